using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Keys;
using IdempotentConsumer.Sqs.Producer.Options;

namespace IdempotentConsumer.Sqs.Producer.Sending;

/// <summary>
/// Turns a message into an <see cref="SqsOutgoingMessage"/>: body, key hash (through the core's key source and hasher, the
/// code the consumer runs), FIFO ids and size. Every error is raised here, before anything is sent.
/// </summary>
internal sealed class SqsOutgoingMessageFactory<TMessage>
{
    private const string StringDataType = "String";

    private readonly SqsSenderOptions _options;
    private readonly IdempotencyKeySource _keySource;
    private readonly JsonTypeInfo<TMessage>? _typeInfo;
    private readonly Func<TMessage, string?>? _messageGroupId;
    private readonly string _prefix;
    private readonly int _attributeBytes;

    public SqsOutgoingMessageFactory(SqsSenderOptions options, bool fifo, Func<TMessage, string?>? messageGroupId)
    {
        _options = options;
        // The consumer's rule (IdempotencyKeyFactory): the source in code, else the JMESPath expression, else the whole body.
        _keySource = options.KeySource
            ?? (options.KeyJmesPath is { Length: > 0 } path ? IdempotencyKeySource.FromJmesPath(path) : IdempotencyKeySource.WholePayload);
        if (typeof(TMessage) != typeof(string))
        {
            try
            {
                _typeInfo = (JsonTypeInfo<TMessage>)options.SerializerOptions.GetTypeInfo(typeof(TMessage));
            }
            catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or InvalidCastException)
            {
                throw new IdempotencyConfigurationException($"The serializer options cannot serialize {typeof(TMessage).Name}: {ex.Message}", ex);
            }
        }

        if (fifo && messageGroupId is null)
        {
            throw new IdempotencyConfigurationException($"Queue '{options.QueueUrl}' is a FIFO queue: the sender needs a message group id selector.");
        }

        _messageGroupId = fifo ? messageGroupId : null;
        _prefix = options.KeyPrefix + "#";
        var hashLength = options.HashAlgorithm == IdempotencyHashAlgorithm.Md5 ? 32 : 64;
        _attributeBytes = Encoding.UTF8.GetByteCount(options.KeyAttributeName) + StringDataType.Length + hashLength;
    }

    public string KeyAttributeDataType => StringDataType;

    public SqsOutgoingMessage Create(TMessage message)
    {
        if (message is null)
        {
            throw new SqsSendPayloadException("A null message cannot be sent.");
        }

        if (_typeInfo is null)
        {
            return PrepareJson((string)(object)message);
        }

        string body;
        try
        {
            body = JsonSerializer.Serialize(message, _typeInfo);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException)
        {
            throw new SqsSendPayloadException($"The {typeof(TMessage).Name} does not serialize to JSON: {ex.Message}", ex);
        }

        return Create(message, body);
    }

    /// <summary>A body given as JSON text: read as the consumer will read it, so a typed key selector sees the same value.</summary>
    public SqsOutgoingMessage PrepareJson(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (_typeInfo is null)
        {
            return Create((TMessage)(object)body, body);
        }

        TMessage? value;
        try
        {
            value = JsonSerializer.Deserialize(body, _typeInfo);
        }
        catch (JsonException ex)
        {
            throw new SqsSendPayloadException($"The body is not a valid {typeof(TMessage).Name} JSON document: {ex.Message}", ex);
        }

        return value is null ? throw new SqsSendPayloadException("The body is JSON null: there is no message to send.") : Create(value, body);
    }

    private SqsOutgoingMessage Create(TMessage value, string body)
    {
        // The consumer hands a string message to the key source as text and any other as its raw JSON body; so do we.
        var payload = new IdempotencyPayload(value, _typeInfo is null ? null : body, _options.SerializerOptions);
        string hash;
        try
        {
            if (!_keySource.TryCreateHash(payload, _options.HashAlgorithm, out hash))
            {
                throw new IdempotencyKeyMissingException($"The message has no idempotency key (consumer '{_options.KeyPrefix}'): it would be sent without one.");
            }
        }
        catch (MessageDeserializationException ex)
        {
            throw new SqsSendPayloadException($"The body is not valid JSON, so it has no key: {ex.Message}", ex);
        }

        string? group = null;
        if (_messageGroupId is not null)
        {
            group = _messageGroupId(value);
            if (group is null || !SqsLimits.IsValidId(group))
            {
                throw new SqsSendPayloadException(
                    $"The message group id '{group}' is not one SQS accepts: 1 to {SqsLimits.MaxIdLength} letters, digits and ASCII punctuation.");
            }
        }

        var size = Encoding.UTF8.GetByteCount(body) + _attributeBytes;
        if (size > _options.MaxBatchBytes)
        {
            throw new SqsSendPayloadException($"The message is {size} bytes; SQS takes at most {_options.MaxBatchBytes}.");
        }

        // The hex hash is at most 64 characters of [0-9a-f]: always a valid deduplication id, whatever the prefix.
        return new SqsOutgoingMessage(body, hash, _prefix + hash, group is null ? null : hash, group, size);
    }
}
