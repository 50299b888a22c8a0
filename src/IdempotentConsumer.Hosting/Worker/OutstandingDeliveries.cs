namespace IdempotentConsumer.Hosting.Worker;

/// <summary>The deliveries received and not yet finished, so shutdown can wait for them or abandon them.</summary>
internal sealed class OutstandingDeliveries
{
    private readonly HashSet<SqsDelivery> _items = [];
    private TaskCompletionSource? _empty;

    public int Count
    {
        get
        {
            lock (_items)
            {
                return _items.Count;
            }
        }
    }

    public void Add(SqsDelivery delivery)
    {
        lock (_items)
        {
            _items.Add(delivery);
        }
    }

    /// <returns>False when the delivery was already removed (finished twice: a straggler handed back and then done).</returns>
    public bool Remove(SqsDelivery delivery)
    {
        TaskCompletionSource? empty = null;
        lock (_items)
        {
            if (!_items.Remove(delivery))
            {
                return false;
            }

            if (_items.Count == 0)
            {
                empty = _empty;
                _empty = null;
            }
        }

        empty?.TrySetResult();
        return true;
    }

    public SqsDelivery[] Snapshot()
    {
        lock (_items)
        {
            return [.. _items];
        }
    }

    public Task WhenEmptyAsync(CancellationToken cancellationToken)
    {
        lock (_items)
        {
            if (_items.Count == 0)
            {
                return Task.CompletedTask;
            }

            _empty ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _empty.Task.WaitAsync(cancellationToken);
        }
    }
}
