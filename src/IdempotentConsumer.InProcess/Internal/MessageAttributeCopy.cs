using IdempotentConsumer.Sqs;

namespace IdempotentConsumer.InProcess.Internal;

/// <summary>
/// A message's attributes as stored at send: copied, so a producer reusing its dictionary or byte array changes nothing
/// queued, and kept in both shapes, the typed SQS one and the string view of the queue's own API.
/// </summary>
internal sealed class MessageAttributeCopy
{
    private const int MaxAttributes = 10;

    private static readonly MessageAttributeCopy None = new(
        new Dictionary<string, string>(0).AsReadOnly(),
        new Dictionary<string, SqsMessageAttribute>(0).AsReadOnly());

    private MessageAttributeCopy(IReadOnlyDictionary<string, string> strings, IReadOnlyDictionary<string, SqsMessageAttribute> typed)
    {
        Strings = strings;
        Typed = typed;
    }

    /// <summary>The attributes that carry a string value (<c>String</c> and <c>Number</c>).</summary>
    public IReadOnlyDictionary<string, string> Strings { get; }

    /// <summary>Every attribute with its SQS data type.</summary>
    public IReadOnlyDictionary<string, SqsMessageAttribute> Typed { get; }

    /// <summary>String attributes, typed as SQS <c>String</c> attributes.</summary>
    public static MessageAttributeCopy FromStrings(IReadOnlyDictionary<string, string>? attributes)
    {
        if (attributes is null || attributes.Count == 0)
        {
            return None;
        }

        var strings = new Dictionary<string, string>(attributes, StringComparer.Ordinal);
        var typed = new Dictionary<string, SqsMessageAttribute>(attributes.Count, StringComparer.Ordinal);
        foreach (var (name, value) in strings)
        {
            typed[name] = new SqsMessageAttribute("String", value, null);
        }

        return new MessageAttributeCopy(strings.AsReadOnly(), typed.AsReadOnly());
    }

    /// <summary>Typed attributes, checked the way SQS checks a send's attributes.</summary>
    /// <exception cref="ArgumentException">More than 10 attributes, an empty name, an unknown data type, or a value missing for its type.</exception>
    public static MessageAttributeCopy FromTyped(IReadOnlyDictionary<string, SqsMessageAttribute>? attributes)
    {
        if (attributes is null || attributes.Count == 0)
        {
            return None;
        }

        if (attributes.Count > MaxAttributes)
        {
            throw new ArgumentException($"SQS takes at most {MaxAttributes} message attributes; got {attributes.Count}.", nameof(attributes));
        }

        var strings = new Dictionary<string, string>(StringComparer.Ordinal);
        var typed = new Dictionary<string, SqsMessageAttribute>(attributes.Count, StringComparer.Ordinal);
        foreach (var (name, value) in attributes)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(name, nameof(attributes));
            ArgumentNullException.ThrowIfNull(value, nameof(attributes));
            if (IsOfType(value.DataType, "Binary"))
            {
                var bytes = value.BinaryValue ?? throw new ArgumentException($"Binary message attribute '{name}' has no binary value.", nameof(attributes));
                typed[name] = new SqsMessageAttribute(value.DataType, null, bytes.ToArray());
            }
            else if (IsOfType(value.DataType, "String") || IsOfType(value.DataType, "Number"))
            {
                var text = value.StringValue ?? throw new ArgumentException($"Message attribute '{name}' of type {value.DataType} has no string value.", nameof(attributes));
                typed[name] = new SqsMessageAttribute(value.DataType, text, null);
                strings[name] = text;
            }
            else
            {
                throw new ArgumentException($"Message attribute '{name}' has data type '{value.DataType}'; SQS knows String, Number and Binary (optionally with a .suffix).", nameof(attributes));
            }
        }

        return new MessageAttributeCopy(strings.AsReadOnly(), typed.AsReadOnly());
    }

    // SQS allows a custom suffix after the base type: "Number.int", "Binary.png".
    private static bool IsOfType(string? dataType, string baseType) =>
        dataType is not null
        && dataType.StartsWith(baseType, StringComparison.Ordinal)
        && (dataType.Length == baseType.Length || dataType[baseType.Length] == '.');
}
