using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace IdempotentConsumer.Keys;

/// <summary>Hashes canonical key material to lowercase hex with the configured algorithm.</summary>
public static class IdempotencyHasher
{
    // Strict: a lone surrogate must not be silently replaced by U+FFFD, or two different keys would share a record.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Returns the hex hash of <paramref name="material"/>.</summary>
    /// <exception cref="Exceptions.IdempotencyKeyInvalidException">The material is not valid Unicode (lone surrogates).</exception>
    public static string Hash(string material, IdempotencyHashAlgorithm algorithm)
    {
        int byteCount;
        try
        {
            byteCount = StrictUtf8.GetByteCount(material);
        }
        catch (EncoderFallbackException ex)
        {
            throw new Exceptions.IdempotencyKeyInvalidException("The idempotency key contains invalid Unicode (a lone surrogate), so it cannot be hashed without colliding with other keys.", ex);
        }

        byte[]? rented = null;
        var bytes = byteCount <= 512 ? stackalloc byte[byteCount] : (rented = ArrayPool<byte>.Shared.Rent(byteCount)).AsSpan(0, byteCount);
        try
        {
            StrictUtf8.GetBytes(material, bytes);
            Span<byte> digest = stackalloc byte[32];
            var written = algorithm switch
            {
                IdempotencyHashAlgorithm.Md5 => MD5.HashData(bytes, digest),
                _ => SHA256.HashData(bytes, digest),
            };
            return Convert.ToHexStringLower(digest[..written]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
