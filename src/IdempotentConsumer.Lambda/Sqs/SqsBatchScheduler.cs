namespace IdempotentConsumer.Lambda.Sqs;

/// <summary>
/// Decides which records of a batch run, in what order and until when: standard queues run records concurrently;
/// FIFO queues run each message group in order (or the whole batch, <see cref="FifoFailureMode.FailRestOfBatch"/>) and
/// stop a group at its first failure; running handlers are cancelled at the invocation's deadline.
/// </summary>
internal sealed class SqsBatchScheduler
{
    private static readonly TimeSpan LongestScheduledCancel = TimeSpan.FromDays(1);

    private readonly SqsBatchProcessorOptions _options;
    private readonly TimeProvider _timeProvider;

    public SqsBatchScheduler(SqsBatchProcessorOptions options, TimeProvider timeProvider)
    {
        _options = options;
        _timeProvider = timeProvider;
    }

    /// <summary>Whether the batch runs under FIFO rules: the option, or (auto) any record from a FIFO queue.</summary>
    public bool IsFifo(IReadOnlyList<LambdaSqsTransportMessage?> messages) => _options.QueueType switch
    {
        SqsQueueType.Fifo => true,
        SqsQueueType.Standard => false,
        _ => messages.Any(m => m is { IsFromFifoQueue: true }),
    };

    /// <summary>Runs the batch; every slot of the result is filled, in batch order.</summary>
    /// <param name="messages">The batch (a null record stays null: it fails on its own).</param>
    /// <param name="isFifo">Whether FIFO rules apply.</param>
    /// <param name="remaining">The invocation's remaining time, for the deadline.</param>
    /// <param name="run">Runs the record at an index of <paramref name="messages"/>; never throws.</param>
    /// <param name="notStarted">The result of a record that is not started, and why.</param>
    /// <param name="cancellationToken">The caller's token.</param>
    public async Task<SqsRecordResult[]> RunAsync(
        IReadOnlyList<LambdaSqsTransportMessage?> messages,
        bool isFifo,
        TimeSpan remaining,
        Func<int, CancellationToken, Task<SqsRecordResult>> run,
        Func<LambdaSqsTransportMessage?, SqsRecordFailureReason, SqsRecordResult> notStarted,
        CancellationToken cancellationToken)
    {
        using var deadline = CreateDeadline(remaining);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline?.Token ?? CancellationToken.None);
        var token = linked.Token;
        var results = new SqsRecordResult?[messages.Count];

        if (!isFifo)
        {
            await RunConcurrentlyAsync(messages.Count, async i => results[i] = await run(i, token).ConfigureAwait(false)).ConfigureAwait(false);
        }
        else if (_options.FifoFailureMode == FifoFailureMode.FailRestOfBatch)
        {
            await RunInOrderAsync([.. Enumerable.Range(0, messages.Count)], SqsRecordFailureReason.PreviousFailureInBatch).ConfigureAwait(false);
        }
        else
        {
            var groups = GroupInOrder(messages);
            await RunConcurrentlyAsync(groups.Count, i => RunInOrderAsync(groups[i], SqsRecordFailureReason.PreviousFailureInGroup)).ConfigureAwait(false);
        }

        // Defensive: a slot left empty would be a record silently deleted; report it not started instead.
        return [.. results.Select((result, i) => result ?? notStarted(messages[i], SqsRecordFailureReason.TimedOut))];

        async Task RunInOrderAsync(IReadOnlyList<int> indices, SqsRecordFailureReason propagated)
        {
            var failed = false;
            foreach (var i in indices)
            {
                var result = failed ? notStarted(messages[i], propagated) : await run(i, token).ConfigureAwait(false);
                results[i] = result;
                failed = !result.IsSuccess;
            }
        }
    }

    private async Task RunConcurrentlyAsync(int count, Func<int, Task> body)
    {
        if (_options.MaxConcurrency == 1 || count <= 1)
        {
            for (var i = 0; i < count; i++)
            {
                await body(i).ConfigureAwait(false);
            }

            return;
        }

        // The bodies never throw and check the invocation token themselves, so every index gets a result.
        await Parallel.ForEachAsync(
            Enumerable.Range(0, count),
            new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrency },
            async (i, _) => await body(i).ConfigureAwait(false)).ConfigureAwait(false);
    }

    private static List<List<int>> GroupInOrder(IReadOnlyList<LambdaSqsTransportMessage?> messages)
    {
        var groups = new List<List<int>>();
        var byId = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < messages.Count; i++)
        {
            // A record without a group (or a null record) joins the "" group: conservative, it keeps order with its peers.
            var id = messages[i]?.MessageGroupId ?? string.Empty;
            if (!byId.TryGetValue(id, out var group))
            {
                group = [];
                byId[id] = group;
                groups.Add(group);
            }

            group.Add(i);
        }

        return groups;
    }

    private CancellationTokenSource? CreateDeadline(TimeSpan remaining)
    {
        if (!_options.CancelHandlersAtLeaseEnd)
        {
            return null;
        }

        var until = remaining - _options.LeaseSafetyMargin;
        if (until >= LongestScheduledCancel)
        {
            return null;
        }

        if (until <= TimeSpan.Zero)
        {
            var cancelled = new CancellationTokenSource();
            cancelled.Cancel();
            return cancelled;
        }

        return new CancellationTokenSource(until, _timeProvider);
    }
}
