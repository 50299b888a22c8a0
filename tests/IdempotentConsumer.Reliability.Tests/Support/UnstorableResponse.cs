namespace IdempotentConsumer.Reliability.Tests.Support;

/// <summary>A handler result the JSON serializer fails on (it refers to itself), so it can never be stored.</summary>
public sealed class UnstorableResponse
{
    /// <summary>Creates a result whose only property points back at itself.</summary>
    public UnstorableResponse() => Self = this;

    /// <summary>The cycle that makes serialization throw.</summary>
    public UnstorableResponse Self { get; }
}
