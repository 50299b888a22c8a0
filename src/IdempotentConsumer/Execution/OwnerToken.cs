using System.Security.Cryptography;

namespace IdempotentConsumer.Execution;

/// <summary>
/// Per-attempt tokens that fence a record to the attempt that wrote it. A token only has to differ from every
/// other attempt's, in this process and any other. Each token is 128 bits drawn fresh from the OS generator:
/// nothing is derived from state held in the process, so processes restored from one memory snapshot (Lambda
/// SnapStart) cannot hand out the same tokens, as a process-wide prefix or seeded generator would.
/// 32 lowercase hex characters, like a GUID in "N" format.
/// </summary>
internal static class OwnerToken
{
    private const int TokenBytes = 16;

    public static string New()
    {
        Span<byte> random = stackalloc byte[TokenBytes];
        RandomNumberGenerator.Fill(random);
        return Convert.ToHexStringLower(random);
    }
}
