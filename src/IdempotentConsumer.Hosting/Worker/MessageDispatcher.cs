namespace IdempotentConsumer.Hosting.Worker;

/// <summary>
/// Starts received messages. On a FIFO queue the messages of one <c>MessageGroupId</c> run one after another in
/// receive order, different groups in parallel; once one fails, the rest of its group that is already here is
/// handed back unprocessed, so the failed one comes first again. On a standard queue every message runs at once
/// (the poller's slots bound how many).
/// </summary>
internal sealed class MessageDispatcher
{
    private readonly bool _orderByGroup;
    private readonly Func<SqsDelivery, Task<bool>> _process;
    private readonly Func<SqsDelivery, string, Task> _handBack;
    private readonly Dictionary<string, Queue<SqsDelivery>> _groups = new(StringComparer.Ordinal);

    /// <param name="orderByGroup">True for FIFO queues.</param>
    /// <param name="process">Runs one delivery to its end; returns false when its group must not go on. Never throws.</param>
    /// <param name="handBack">Returns a delivery to the queue unprocessed. Never throws.</param>
    public MessageDispatcher(bool orderByGroup, Func<SqsDelivery, Task<bool>> process, Func<SqsDelivery, string, Task> handBack)
    {
        _orderByGroup = orderByGroup;
        _process = process;
        _handBack = handBack;
    }

    /// <summary>Groups with a message running or waiting.</summary>
    public int ActiveGroups
    {
        get
        {
            lock (_groups)
            {
                return _groups.Count;
            }
        }
    }

    public void Dispatch(SqsDelivery delivery)
    {
        var group = _orderByGroup ? delivery.Incoming.MessageGroupId : null;
        if (group is null)
        {
            // Off the poller's thread: a handler that completes synchronously must not hold up the next receive.
            _ = Task.Run(() => _process(delivery));
            return;
        }

        lock (_groups)
        {
            if (_groups.TryGetValue(group, out var waiting))
            {
                waiting.Enqueue(delivery);
                return;
            }

            _groups.Add(group, new Queue<SqsDelivery>());
        }

        _ = Task.Run(() => RunGroupAsync(group, delivery));
    }

    private async Task RunGroupAsync(string group, SqsDelivery first)
    {
        var next = first;
        var broken = false;
        while (true)
        {
            if (broken)
            {
                await _handBack(next, "fifo_group").ConfigureAwait(false);
            }
            else
            {
                broken = !await _process(next).ConfigureAwait(false);
            }

            lock (_groups)
            {
                var waiting = _groups[group];
                if (waiting.Count == 0)
                {
                    _groups.Remove(group);
                    return;
                }

                next = waiting.Dequeue();
            }
        }
    }
}
