namespace IdempotentConsumer.Keys;

/// <summary>The hash applied to the canonical form of the key material and the validated payload.</summary>
public enum IdempotencyHashAlgorithm
{
    /// <summary>SHA-256, hex encoded (default).</summary>
    Sha256 = 0,

    /// <summary>MD5, hex encoded; Powertools' default, for sharing a table with it.</summary>
    Md5 = 1,
}
