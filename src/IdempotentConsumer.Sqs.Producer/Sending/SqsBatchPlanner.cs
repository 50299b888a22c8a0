using IdempotentConsumer.Sqs.Producer.Options;

namespace IdempotentConsumer.Sqs.Producer.Sending;

/// <summary>
/// Picks the next <c>SendMessageBatch</c> from the messages still to send, in the order given: at most ten entries and
/// <c>maxBytes</c> in all. On a FIFO queue a batch holds at most one message per group, the group's earliest unsent one:
/// SQS may accept a later entry of a group whose earlier entry failed, and nothing could put them back in order.
/// </summary>
internal static class SqsBatchPlanner
{
    public static List<T> Next<T>(IReadOnlyList<T> pending, Func<T, SqsOutgoingMessage> message, int maxBytes)
    {
        var batch = new List<T>(SqsLimits.MaxBatchEntries);
        HashSet<string>? groups = null;
        var bytes = 0;
        foreach (var item in pending)
        {
            var outgoing = message(item);
            if (outgoing.MessageGroupId is { } group && !(groups ??= new HashSet<string>(StringComparer.Ordinal)).Add(group))
            {
                continue; // a message of this group is already in the batch (or skipped below): the rest wait
            }

            if (bytes + outgoing.Size > maxBytes)
            {
                // Too big for this batch: later messages of its group must wait behind it, others may still fit.
                continue;
            }

            batch.Add(item);
            bytes += outgoing.Size;
            if (batch.Count == SqsLimits.MaxBatchEntries)
            {
                break;
            }
        }

        if (batch.Count == 0 && pending.Count > 0)
        {
            batch.Add(pending[0]); // larger than the limit on its own (prepared elsewhere): SQS refuses it for good
        }

        return batch;
    }
}
