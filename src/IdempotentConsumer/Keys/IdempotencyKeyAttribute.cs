namespace IdempotentConsumer.Keys;

/// <summary>
/// The message attribute in which a producer stamps a message's key hash (the hex hash of its key material, without the
/// consumer's prefix), so a consumer can key the message without parsing its body.
/// </summary>
public static class IdempotencyKeyAttribute
{
    /// <summary>The attribute name the sender stamps and <c>WithKeyFromAttribute()</c> reads by default.</summary>
    public const string DefaultName = "idempotency-key";

    /// <summary>
    /// True when <paramref name="value"/> can be a key hash of <paramref name="algorithm"/>: lowercase hex of the digest's
    /// length (64 characters for SHA-256, 32 for MD5). Anything else was not written by a sender: it counts as forged.
    /// </summary>
    public static bool IsWellFormed(string? value, IdempotencyHashAlgorithm algorithm)
    {
        var length = algorithm == IdempotencyHashAlgorithm.Md5 ? 32 : 64;
        if (value is null || value.Length != length)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
