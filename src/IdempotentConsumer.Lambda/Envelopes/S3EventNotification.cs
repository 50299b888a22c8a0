using System.Text.Json.Serialization;

namespace IdempotentConsumer.Lambda.Envelopes;

/// <summary>An S3 event notification (the payload of <see cref="SqsEnvelope.S3"/>), with S3's JSON names.</summary>
public sealed class S3EventNotification
{
    /// <summary>The events; S3 sends one per notification.</summary>
    [JsonPropertyName("Records")]
    public List<S3EventNotificationRecord> Records { get; set; } = [];
}

/// <summary>One S3 event.</summary>
public sealed class S3EventNotificationRecord
{
    /// <summary>The notification schema version (e.g. <c>2.1</c>).</summary>
    [JsonPropertyName("eventVersion")]
    public string? EventVersion { get; set; }

    /// <summary>Always <c>aws:s3</c>.</summary>
    [JsonPropertyName("eventSource")]
    public string? EventSource { get; set; }

    /// <summary>The bucket's region.</summary>
    [JsonPropertyName("awsRegion")]
    public string? AwsRegion { get; set; }

    /// <summary>When S3 finished the request that caused the event.</summary>
    [JsonPropertyName("eventTime")]
    public DateTimeOffset? EventTime { get; set; }

    /// <summary>The event type, e.g. <c>ObjectCreated:Put</c>.</summary>
    [JsonPropertyName("eventName")]
    public string? EventName { get; set; }

    /// <summary>The bucket and object.</summary>
    [JsonPropertyName("s3")]
    public S3EventEntity? S3 { get; set; }
}

/// <summary>The <c>s3</c> part of an event: bucket and object.</summary>
public sealed class S3EventEntity
{
    /// <summary>The notification configuration's id.</summary>
    [JsonPropertyName("configurationId")]
    public string? ConfigurationId { get; set; }

    /// <summary>The bucket.</summary>
    [JsonPropertyName("bucket")]
    public S3EventBucket? Bucket { get; set; }

    /// <summary>The object.</summary>
    [JsonPropertyName("object")]
    public S3EventObject? Object { get; set; }
}

/// <summary>The bucket of an S3 event.</summary>
public sealed class S3EventBucket
{
    /// <summary>The bucket name.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    /// <summary>The bucket ARN.</summary>
    [JsonPropertyName("arn")]
    public string? Arn { get; set; }
}

/// <summary>The object of an S3 event.</summary>
public sealed class S3EventObject
{
    /// <summary>The object key, URL-encoded as S3 sends it (spaces as <c>+</c>).</summary>
    [JsonPropertyName("key")]
    public string? Key { get; set; }

    /// <summary>The object size in bytes (absent for deletions).</summary>
    [JsonPropertyName("size")]
    public long? Size { get; set; }

    /// <summary>The object's ETag.</summary>
    [JsonPropertyName("eTag")]
    public string? ETag { get; set; }

    /// <summary>The version id, when the bucket is versioned.</summary>
    [JsonPropertyName("versionId")]
    public string? VersionId { get; set; }

    /// <summary>Orders events for one key: a later event for the same key has a greater sequencer.</summary>
    [JsonPropertyName("sequencer")]
    public string? Sequencer { get; set; }
}
