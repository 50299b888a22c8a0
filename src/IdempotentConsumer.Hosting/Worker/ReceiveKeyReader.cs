using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Execution;
using IdempotentConsumer.Pipeline;

namespace IdempotentConsumer.Hosting.Worker;

/// <summary>
/// Reads the idempotency key of a received message before it runs, the way the pipeline will (same deserialization,
/// same key source or delivery key), so copies of one key in one receive can be run once.
/// </summary>
internal sealed class ReceiveKeyReader<TMessage>
{
    private readonly IdempotencyExecutor _executor;
    private readonly JsonTypeInfo<TMessage> _typeInfo;
    private readonly Func<IncomingMessage, string?>? _keyFromIncoming;
    private readonly bool _validatesPayload;

    public ReceiveKeyReader(IdempotencyExecutor executor, JsonTypeInfo<TMessage> typeInfo, Func<IncomingMessage, string?>? keyFromIncoming)
    {
        _executor = executor;
        _typeInfo = typeInfo;
        _keyFromIncoming = keyFromIncoming;
        var options = executor.Options;
        _validatesPayload = options.PayloadValidationSource is not null || !string.IsNullOrEmpty(options.PayloadValidationJmesPath);
    }

    /// <summary>
    /// The key copies of this message share, or null when it has none or it cannot be read (the pipeline then runs
    /// the message on its own and reports why). With payload validation, only identical bodies share one: a copy
    /// whose validated part differs must meet its validation error, not the first copy's result.
    /// </summary>
    public string? TryRead(IncomingMessage incoming)
    {
        if (_executor.IsDisabled)
        {
            return null;
        }

        try
        {
            var invocation = _keyFromIncoming is { } fromIncoming
                ? new IdempotencyInvocation<TMessage>(default!) { KeyMaterial = fromIncoming(incoming) ?? string.Empty }
                : new IdempotencyInvocation<TMessage>(Deserialize(incoming)) { RawJson = typeof(TMessage) == typeof(string) ? null : incoming.Body, Attributes = incoming.Attributes };
            if (!_executor.TryGetKey(invocation, out var key))
            {
                return null;
            }

            return _validatesPayload ? string.Concat(key, "\n", incoming.Body) : key;
        }
        catch (Exception ex) when (ex is IdempotencyException or JsonException or NotSupportedException or InvalidOperationException or FormatException or ArgumentException)
        {
            return null;
        }
    }

    private TMessage Deserialize(IncomingMessage incoming)
    {
        if (typeof(TMessage) == typeof(string))
        {
            return (TMessage)(object)incoming.Body;
        }

        return JsonSerializer.Deserialize(incoming.Body, _typeInfo) ?? throw new JsonException("null body");
    }
}
