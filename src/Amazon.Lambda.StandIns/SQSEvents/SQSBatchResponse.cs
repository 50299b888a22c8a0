using System.Runtime.Serialization;
using System.Text.Json.Serialization;

namespace Amazon.Lambda.SQSEvents;

/// <summary>
/// The response of a function whose event source mapping has <c>ReportBatchItemFailures</c> on: the
/// messages listed are returned to the queue; every other message of the batch is deleted
/// (stand-in for the official type; same names, JSON <c>batchItemFailures</c>).
/// </summary>
[DataContract]
public class SQSBatchResponse
{
    /// <summary>Creates a response with no failures (the whole batch succeeded).</summary>
    public SQSBatchResponse()
        : this([])
    {
    }

    /// <summary>Creates a response listing the failed messages.</summary>
    /// <param name="batchItemFailures">The failed messages.</param>
    public SQSBatchResponse(List<BatchItemFailure> batchItemFailures)
    {
        BatchItemFailures = batchItemFailures;
    }

    /// <summary>The messages that failed (JSON <c>batchItemFailures</c>).</summary>
    [DataMember(Name = "batchItemFailures")]
    [JsonPropertyName("batchItemFailures")]
    public List<BatchItemFailure> BatchItemFailures { get; set; }

    /// <summary>One failed message.</summary>
    [DataContract]
    public class BatchItemFailure
    {
        /// <summary>The failed message's <c>messageId</c> (JSON <c>itemIdentifier</c>).</summary>
        [DataMember(Name = "itemIdentifier")]
        [JsonPropertyName("itemIdentifier")]
        public string? ItemIdentifier { get; set; }
    }
}
