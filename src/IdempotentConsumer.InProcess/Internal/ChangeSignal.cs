namespace IdempotentConsumer.InProcess.Internal;

/// <summary>
/// Wakes every long-polling receiver when the queue changes (a send, a delete, a visibility change), so
/// waiting costs no CPU: each waiter awaits the current generation's task, and a change completes it and
/// starts the next generation.
/// </summary>
internal sealed class ChangeSignal
{
    private TaskCompletionSource _current = NewSource();

    /// <summary>The task that completes at the next change. Read under the queue's lock, together with the state it was judged against.</summary>
    public Task NextChange => _current.Task;

    /// <summary>Completes the current generation. Called under the queue's lock; continuations run elsewhere.</summary>
    public void Notify()
    {
        var previous = _current;
        _current = NewSource();
        previous.TrySetResult();
    }

    // Continuations must not run inline: Notify is called while the queue's lock is held.
    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
