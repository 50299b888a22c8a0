namespace IdempotentConsumer.Keys;

/// <summary>
/// Where the idempotency key (or the validated part of the payload) comes from: a typed selector, a
/// JMESPath expression over the JSON payload, or the whole payload.
/// </summary>
public abstract class IdempotencyKeySource
{
    /// <summary>The whole payload is the key material.</summary>
    public static IdempotencyKeySource WholePayload { get; } = new WholePayloadKeySource();

    /// <summary>
    /// A JMESPath expression over the JSON payload. <c>powertools_json(field)</c> parses a field that holds
    /// JSON as a string (e.g. <c>powertools_json(body).orderId</c> on an SQS record).
    /// </summary>
    /// <exception cref="Exceptions.IdempotencyConfigurationException">The expression does not parse.</exception>
    public static IdempotencyKeySource FromJmesPath(string expression) => new JmesPathKeySource(expression);

    /// <summary>
    /// A typed selector. Returning null or an empty string means "no key". A string is used as is;
    /// any other value (numbers, booleans, objects, tuples) is serialized to canonical JSON.
    /// </summary>
    public static IdempotencyKeySource From<TPayload>(Func<TPayload, object?> selector) => new SelectorKeySource<TPayload>(selector);

    /// <summary>
    /// Extracts the key material in canonical form (JSON with object members sorted, or the selected string).
    /// Returns false when the payload holds no key (null, missing field, empty string or empty collection).
    /// </summary>
    public abstract bool TryGetKeyMaterial(in IdempotencyPayload payload, out string material);

    /// <summary>
    /// Creates the hex hash of the key material with <paramref name="algorithm"/>: what a consumer with this key source
    /// appends to <c>{KeyPrefix}#</c>, and what a producer stamps into the key attribute and the FIFO deduplication id.
    /// Returns false when the payload holds no key.
    /// </summary>
    /// <exception cref="Exceptions.IdempotencyKeyInvalidException">The key material is not valid Unicode.</exception>
    /// <exception cref="Exceptions.MessageDeserializationException">The whole payload is not valid JSON.</exception>
    public bool TryCreateHash(in IdempotencyPayload payload, IdempotencyHashAlgorithm algorithm, out string hash) =>
        TryCreateKey(payload, string.Empty, algorithm, out hash);

    /// <summary>
    /// Creates <c>{prefix}{hash of the key material}</c>. Built-in sources override it to hash without
    /// materializing the canonical text; the result is always the hash of what <see cref="TryGetKeyMaterial"/> returns.
    /// </summary>
    /// <summary>
    /// The selected value as a JSON token, for <see cref="IdempotencyKeyFormat.Powertools"/> (which hashes the
    /// selected value's JSON, not the canonical material). Null or an empty value means "no key". A source defined
    /// outside this library gives its canonical material: JSON when it parses as such, else the text as a string.
    /// </summary>
    internal virtual Newtonsoft.Json.Linq.JToken? Select(in IdempotencyPayload payload)
    {
        if (!TryGetKeyMaterial(payload, out var material))
        {
            return null;
        }

        try
        {
            return JmesPathJson.Parse(material, "The key material");
        }
        catch (Exceptions.MessageDeserializationException)
        {
            return new Newtonsoft.Json.Linq.JValue(material);
        }
    }

    internal virtual bool TryCreateKey(in IdempotencyPayload payload, string prefix, IdempotencyHashAlgorithm algorithm, out string key)
    {
        if (!TryGetKeyMaterial(payload, out var material))
        {
            key = string.Empty;
            return false;
        }

        key = IdempotencyHasher.HashWithPrefix(prefix, material, algorithm);
        return true;
    }
}
