namespace IdempotentConsumer.Lambda.Envelopes;

/// <summary>What an envelope found inside an SQS body: a payload to process, or a message to acknowledge without processing.</summary>
public readonly record struct SqsEnvelopeContent
{
    private SqsEnvelopeContent(string? body, string? defaultKey, string? ignoreReason)
    {
        Body = body;
        DefaultKey = defaultKey;
        IgnoreReason = ignoreReason;
    }

    /// <summary>The payload handed to the pipeline (deserialized to the handler's type); null when ignored.</summary>
    public string? Body { get; }

    /// <summary>The envelope's own idempotency key material (e.g. the SNS <c>MessageId</c>); null when it has none.</summary>
    public string? DefaultKey { get; }

    /// <summary>Why the message is acknowledged without running the handler (e.g. an S3 test event); null for a payload.</summary>
    public string? IgnoreReason { get; }

    /// <summary>True when the message is acknowledged without running the handler.</summary>
    public bool IsIgnored => IgnoreReason is not null;

    /// <summary>A payload to process.</summary>
    public static SqsEnvelopeContent Payload(string body, string? defaultKey) =>
        new(body ?? throw new ArgumentNullException(nameof(body)), string.IsNullOrEmpty(defaultKey) ? null : defaultKey, null);

    /// <summary>A message that carries no work (it is deleted from the queue).</summary>
    public static SqsEnvelopeContent Ignore(string reason) =>
        new(null, null, string.IsNullOrEmpty(reason) ? throw new ArgumentException("A reason is required.", nameof(reason)) : reason);
}
