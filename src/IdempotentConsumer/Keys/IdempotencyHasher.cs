using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace IdempotentConsumer.Keys;

/// <summary>Hashes canonical key material to lowercase hex with the configured algorithm.</summary>
public static class IdempotencyHasher
{
    private const int StackLimit = 512;
    private const int MaxDigestBytes = 32;

    // Strict: a lone surrogate must not be silently replaced by U+FFFD, or two different keys would share a record.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Returns the hex hash of <paramref name="material"/>.</summary>
    /// <exception cref="Exceptions.IdempotencyKeyInvalidException">The material is not valid Unicode (lone surrogates).</exception>
    public static string Hash(string material, IdempotencyHashAlgorithm algorithm) => HashWithPrefix(string.Empty, material, algorithm);

    /// <summary>Returns <paramref name="prefix"/> followed by the hex hash of <paramref name="material"/>, as one string.</summary>
    internal static string HashWithPrefix(string prefix, string material, IdempotencyHashAlgorithm algorithm)
    {
        ArgumentNullException.ThrowIfNull(material);
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
        var bytes = byteCount <= StackLimit ? stackalloc byte[byteCount] : (rented = ArrayPool<byte>.Shared.Rent(byteCount)).AsSpan(0, byteCount);
        try
        {
            StrictUtf8.GetBytes(material, bytes);
            return HashWithPrefix(prefix, bytes, algorithm);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Returns <paramref name="prefix"/> followed by the base64 hash of <paramref name="material"/>'s UTF-8 (Powertools' digest encoding).</summary>
    internal static string HashBase64WithPrefix(string prefix, string material, IdempotencyHashAlgorithm algorithm)
    {
        byte[] utf8;
        try
        {
            utf8 = StrictUtf8.GetBytes(material);
        }
        catch (EncoderFallbackException ex)
        {
            throw new Exceptions.IdempotencyKeyInvalidException("The idempotency key contains invalid Unicode (a lone surrogate), so it cannot be hashed without colliding with other keys.", ex);
        }

        Span<byte> digest = stackalloc byte[MaxDigestBytes];
        var written = algorithm switch
        {
            IdempotencyHashAlgorithm.Md5 => MD5.HashData(utf8, digest),
            _ => SHA256.HashData(utf8, digest),
        };
        return string.Concat(prefix, Convert.ToBase64String(digest[..written]));
    }

    /// <summary>Returns <paramref name="prefix"/> followed by the hex hash of UTF-8 bytes, as one string.</summary>
    internal static string HashWithPrefix(string prefix, ReadOnlySpan<byte> utf8, IdempotencyHashAlgorithm algorithm)
    {
        Span<byte> digest = stackalloc byte[MaxDigestBytes];
        var written = algorithm switch
        {
            IdempotencyHashAlgorithm.Md5 => MD5.HashData(utf8, digest),
            _ => SHA256.HashData(utf8, digest),
        };
        digest = digest[..written];

        // One allocation for the whole key: the prefix and the hex digits are composed on the stack first.
        var length = prefix.Length + (written * 2);
        if (length > StackLimit)
        {
            return string.Concat(prefix, Convert.ToHexStringLower(digest));
        }

        Span<char> chars = stackalloc char[length];
        prefix.AsSpan().CopyTo(chars);
        Convert.TryToHexStringLower(digest, chars[prefix.Length..], out _);
        return new string(chars);
    }
}
