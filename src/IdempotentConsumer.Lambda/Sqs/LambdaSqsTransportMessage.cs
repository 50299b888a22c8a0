using Amazon.Lambda.Core;
using Amazon.Lambda.SQSEvents;
using IdempotentConsumer.Sqs;

namespace IdempotentConsumer.Lambda.Sqs;

/// <summary>
/// An SQS message delivered to a Lambda function: the shared <see cref="SqsTransportMessage"/> plus the original record
/// and the invocation's context. It is <c>context.Incoming.Transport</c> for every record the batch processor runs
/// (<see cref="LambdaMessageContextExtensions.GetSqsRecord{TMessage}"/> reads it).
/// </summary>
public sealed class LambdaSqsTransportMessage : SqsTransportMessage
{
    /// <summary>The record as Lambda delivered it.</summary>
    public required SQSEvent.SQSMessage Record { get; init; }

    /// <summary>The invocation the record arrived in.</summary>
    public required ILambdaContext LambdaContext { get; init; }

    /// <summary>The invocation's registry of keys already running, shared by the records of one batch.</summary>
    internal InBatchDuplicates? Duplicates { get; init; }

    /// <summary>The transport view of a Lambda SQS record; binary message attributes keep their bytes.</summary>
    internal static LambdaSqsTransportMessage From(SQSEvent.SQSMessage record, ILambdaContext lambdaContext, InBatchDuplicates? duplicates)
    {
        ArgumentNullException.ThrowIfNull(record);
        var attributes = new Dictionary<string, SqsMessageAttribute>(StringComparer.Ordinal);
        foreach (var (name, attribute) in record.MessageAttributes ?? [])
        {
            if (attribute is not null)
            {
                attributes[name] = new SqsMessageAttribute(attribute.DataType ?? string.Empty, attribute.StringValue, attribute.BinaryValue?.ToArray());
            }
        }

        return new LambdaSqsTransportMessage
        {
            MessageId = record.MessageId ?? string.Empty,
            ReceiptHandle = record.ReceiptHandle,
            Body = record.Body ?? string.Empty,
            Attributes = record.Attributes is { } system ? new Dictionary<string, string>(system, StringComparer.Ordinal) : new Dictionary<string, string>(),
            MessageAttributes = attributes,
            QueueArnOrUrl = record.EventSourceArn,
            Record = record,
            LambdaContext = lambdaContext,
            Duplicates = duplicates,
        };
    }
}
