using System.IO;

namespace Amazon.Lambda.SQSEvents;

/// <summary>
/// The event Lambda's SQS event source mapping passes to a function: a batch of queue messages
/// (stand-in for the official type; same type, member and JSON names).
/// </summary>
/// <remarks>
/// Like the official type, it carries no JSON attributes: the Lambda serializer matches names without
/// regard to case (<c>Records</c>, <c>messageId</c>, <c>eventSourceARN</c>, …). Every member may be null
/// when the JSON lacks it, so the annotations say so.
/// </remarks>
public class SQSEvent
{
    /// <summary>The messages of the batch (JSON <c>Records</c>).</summary>
    public List<SQSMessage>? Records { get; set; }

    /// <summary>A message attribute set by the producer (JSON <c>messageAttributes.{name}</c>).</summary>
    public class MessageAttribute
    {
        /// <summary>The value of a <c>String</c> or <c>Number</c> attribute (JSON <c>stringValue</c>).</summary>
        public string? StringValue { get; set; }

        /// <summary>The value of a <c>Binary</c> attribute (JSON <c>binaryValue</c>, base64).</summary>
        public MemoryStream? BinaryValue { get; set; }

        /// <summary>Reserved by SQS for lists of strings (JSON <c>stringListValues</c>).</summary>
        public List<string>? StringListValues { get; set; }

        /// <summary>Reserved by SQS for lists of binary values (JSON <c>binaryListValues</c>).</summary>
        public List<MemoryStream>? BinaryListValues { get; set; }

        /// <summary>The attribute's data type: <c>String</c>, <c>Number</c> or <c>Binary</c>, optionally with a custom suffix (JSON <c>dataType</c>).</summary>
        public string? DataType { get; set; }
    }

    /// <summary>One queue message as the event source mapping delivers it.</summary>
    public class SQSMessage
    {
        /// <summary>The id SQS gave the message when it was sent (JSON <c>messageId</c>); the batch item failure identifier.</summary>
        public string? MessageId { get; set; }

        /// <summary>The handle of this receive (JSON <c>receiptHandle</c>).</summary>
        public string? ReceiptHandle { get; set; }

        /// <summary>The message body (JSON <c>body</c>).</summary>
        public string? Body { get; set; }

        /// <summary>MD5 digest of the body (JSON <c>md5OfBody</c>).</summary>
        public string? Md5OfBody { get; set; }

        /// <summary>MD5 digest of the message attributes (JSON <c>md5OfMessageAttributes</c>).</summary>
        public string? Md5OfMessageAttributes { get; set; }

        /// <summary>The queue's ARN (JSON <c>eventSourceARN</c>); FIFO queue names end in <c>.fifo</c>.</summary>
        public string? EventSourceArn { get; set; }

        /// <summary>Always <c>aws:sqs</c> (JSON <c>eventSource</c>).</summary>
        public string? EventSource { get; set; }

        /// <summary>The queue's region (JSON <c>awsRegion</c>).</summary>
        public string? AwsRegion { get; set; }

        /// <summary>
        /// System attributes (JSON <c>attributes</c>): <c>ApproximateReceiveCount</c>, <c>SentTimestamp</c>,
        /// <c>SenderId</c>, <c>ApproximateFirstReceiveTimestamp</c>, and on FIFO queues <c>MessageGroupId</c>,
        /// <c>MessageDeduplicationId</c> and <c>SequenceNumber</c>.
        /// </summary>
        public Dictionary<string, string>? Attributes { get; set; }

        /// <summary>Attributes set by the producer (JSON <c>messageAttributes</c>).</summary>
        public Dictionary<string, MessageAttribute>? MessageAttributes { get; set; }
    }
}
