using System.Security.Cryptography;
using System.Text;

namespace IdempotentConsumer.InProcess.Internal;

/// <summary>SQS's content-based deduplication id: the SHA-256 of the body.</summary>
internal static class ContentDeduplication
{
    public static string IdFor(string body) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body)));
}
