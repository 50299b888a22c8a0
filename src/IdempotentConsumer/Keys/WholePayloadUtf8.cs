using System.Buffers;
using System.Text;
using System.Text.Json;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Serialization;

namespace IdempotentConsumer.Keys;

/// <summary>The whole payload as UTF-8 JSON on a pooled buffer: the raw JSON or string payload transcoded, or the value serialized.</summary>
internal sealed class WholePayloadUtf8 : IDisposable
{
    // Strict: a lone surrogate must not be silently replaced by U+FFFD, or two different keys would share a record.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private byte[]? _rented;
    private PooledByteBufferWriter? _serialized;

    private WholePayloadUtf8()
    {
    }

    public ReadOnlyMemory<byte> Memory { get; private set; }

    /// <summary>True when the first byte after whitespace opens an object or an array.</summary>
    public bool IsContainer
    {
        get
        {
            var span = Memory.Span;
            var first = span.IndexOfAnyExcept(" \t\r\n"u8);
            return first >= 0 && span[first] is (byte)'{' or (byte)'[';
        }
    }

    /// <exception cref="IdempotencyKeyInvalidException">The text holds a raw lone surrogate.</exception>
    public static WholePayloadUtf8 Of(in IdempotencyPayload payload)
    {
        var utf8 = new WholePayloadUtf8();
        if ((payload.RawJson ?? payload.Value as string) is { } text)
        {
            int count;
            try
            {
                count = StrictUtf8.GetByteCount(text);
            }
            catch (EncoderFallbackException ex)
            {
                throw new IdempotencyKeyInvalidException("The payload contains invalid Unicode (a lone surrogate), so it cannot be hashed without colliding with other keys.", ex);
            }

            utf8._rented = ArrayPool<byte>.Shared.Rent(count);
            utf8.Memory = utf8._rented.AsMemory(0, StrictUtf8.GetBytes(text, utf8._rented));
            return utf8;
        }

        var buffer = new PooledByteBufferWriter(4096);
        utf8._serialized = buffer;
        var options = payload.SerializerOptions;
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = options.Encoder, MaxDepth = options.MaxDepth }))
        {
            JsonSerializer.Serialize(writer, payload.Value, IdempotencyJsonDefaults.GetTypeInfo(options, payload.Value!.GetType()));
        }

        utf8.Memory = buffer.WrittenMemory;
        return utf8;
    }

    public void Dispose()
    {
        Memory = default;
        if (_rented is not null)
        {
            ArrayPool<byte>.Shared.Return(_rented);
            _rented = null;
        }

        _serialized?.Dispose();
        _serialized = null;
    }
}
