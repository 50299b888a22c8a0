using IdempotentConsumer.Keys;

namespace IdempotentConsumer.Execution;

/// <summary>
/// Turns a payload into the full key (<c>{prefix}#{hash}</c>) and the validation hash. The key comes from, in order:
/// key material the adapter took from the delivery; the producer's key attribute (<see cref="IdempotencyOptions.KeyAttribute"/>),
/// which holds the hash itself; the key source over the payload.
/// </summary>
internal sealed class IdempotencyKeyFactory
{
    private readonly IdempotencyOptions _options;
    private readonly IdempotencyKeySource _keySource;
    private readonly IdempotencyKeySource? _validationSource;
    private readonly string _prefix;

    public IdempotencyKeyFactory(IdempotencyOptions options)
    {
        _options = options;
        if (string.IsNullOrWhiteSpace(options.KeyPrefix))
        {
            throw new Exceptions.IdempotencyConfigurationException("IdempotencyOptions.KeyPrefix must be a stable, non-empty consumer name.");
        }

        _prefix = options.KeyPrefix + "#";
        _keySource = options.KeySource
            ?? (options.KeyJmesPath is { Length: > 0 } path ? IdempotencyKeySource.FromJmesPath(path) : IdempotencyKeySource.WholePayload);
        _validationSource = options.PayloadValidationSource
            ?? (options.PayloadValidationJmesPath is { Length: > 0 } validation ? IdempotencyKeySource.FromJmesPath(validation) : null);
    }

    public bool ValidatesPayload => _validationSource is not null;

    public bool TryCreateKey<TPayload>(in IdempotencyInvocation<TPayload> invocation, out string key)
    {
        if (_options.KeyFormat == IdempotencyKeyFormat.Powertools)
        {
            return TryCreatePowertoolsKey(invocation, out key);
        }

        if (invocation.KeyMaterial is { } material)
        {
            if (material.Length == 0)
            {
                key = string.Empty;
                return false;
            }

            key = IdempotencyHasher.HashWithPrefix(_prefix, material, _options.HashAlgorithm);
            return true;
        }

        if (_options.KeyAttribute is { Length: > 0 } attribute && invocation.Attributes is { } attributes)
        {
            return TryCreateKeyFromAttribute(invocation, attribute, attributes, out key);
        }

        return TryCreateBodyKey(invocation, out key);
    }

    private bool TryCreateBodyKey<TPayload>(in IdempotencyInvocation<TPayload> invocation, out string key) =>
        _keySource.TryCreateKey(ToPayload(invocation), _prefix, _options.HashAlgorithm, out key);

    // The stamped hash is the body key's hash, so a message keyed either way meets the same record.
    private bool TryCreateKeyFromAttribute<TPayload>(in IdempotencyInvocation<TPayload> invocation, string attribute, IReadOnlyDictionary<string, string> attributes, out string key)
    {
        var fail = _options.KeyAttributeFallback == KeyAttributeFallback.Fail;
        if (!attributes.TryGetValue(attribute, out var stamped) || stamped.Length == 0)
        {
            return fail
                ? throw new Exceptions.IdempotencyKeyMissingException($"The message has no '{attribute}' attribute, and consumer '{_options.KeyPrefix}' requires the producer's key.")
                : TryCreateBodyKey(invocation, out key);
        }

        if (!IdempotencyKeyAttribute.IsWellFormed(stamped, _options.HashAlgorithm))
        {
            return fail
                ? throw Forged(attribute, $"it is not a {_options.HashAlgorithm} hash")
                : TryCreateBodyKey(invocation, out key);
        }

        var stampedKey = _prefix + stamped;
        if (!_options.VerifyKeyAttribute)
        {
            key = stampedKey;
            return true;
        }

        var hasBodyKey = TryCreateBodyKey(invocation, out var bodyKey);
        if (hasBodyKey && string.Equals(bodyKey, stampedKey, StringComparison.Ordinal))
        {
            key = stampedKey;
            return true;
        }

        if (fail)
        {
            throw Forged(attribute, hasBodyKey ? "it differs from the key of the body" : "the body has no key to confirm it");
        }

        key = bodyKey;
        return hasBodyKey;
    }

    private Exceptions.IdempotencyKeyInvalidException Forged(string attribute, string reason) =>
        new($"The message's '{attribute}' attribute is forged for consumer '{_options.KeyPrefix}': {reason}.");

    public string? CreateValidationHash<TPayload>(in IdempotencyInvocation<TPayload> invocation)
    {
        if (_validationSource is null)
        {
            return null;
        }

        if (_options.KeyFormat == IdempotencyKeyFormat.Powertools)
        {
            // Powertools hashes JSON.stringify of whatever the expression selects, null included.
            var validated = _validationSource.Select(ToPayload(invocation)) ?? Newtonsoft.Json.Linq.JValue.CreateNull();
            return IdempotencyHasher.HashBase64WithPrefix(string.Empty, PowertoolsJson.Stringify(validated), _options.HashAlgorithm);
        }

        // No validated part in this payload hashes as empty, so a later payload that has one still mismatches.
        return _validationSource.TryGetKeyMaterial(ToPayload(invocation), out var material)
            ? IdempotencyHasher.Hash(material, _options.HashAlgorithm)
            : IdempotencyHasher.Hash(string.Empty, _options.HashAlgorithm);
    }

    private bool TryCreatePowertoolsKey<TPayload>(in IdempotencyInvocation<TPayload> invocation, out string key)
    {
        // Adapter-chosen material (a deduplication id) is a string value, as Powertools would select it.
        var selected = invocation.KeyMaterial is { } material
            ? new Newtonsoft.Json.Linq.JValue(material)
            : _keySource.Select(ToPayload(invocation));
        if (PowertoolsJson.IsMissing(selected))
        {
            key = string.Empty;
            return false;
        }

        key = IdempotencyHasher.HashBase64WithPrefix(_prefix, PowertoolsJson.Stringify(selected!), _options.HashAlgorithm);
        return true;
    }

    private IdempotencyPayload ToPayload<TPayload>(in IdempotencyInvocation<TPayload> invocation) =>
        new(invocation.Payload, invocation.RawJson, _options.SerializerOptions);
}
