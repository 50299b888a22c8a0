using System.Globalization;
using System.Threading.Channels;
using IdempotentConsumer.Hosting.Options;
using IdempotentConsumer.Hosting.Telemetry;
using IdempotentConsumer.Sqs.Transport;
using Microsoft.Extensions.Logging;

namespace IdempotentConsumer.Hosting.Worker;

/// <summary>
/// Deletes finished messages with <c>DeleteMessageBatch</c>: a batch goes out when it is full or when its first
/// entry has waited <see cref="SqsDeleteBatchOptions.FlushInterval"/>. A delete that never succeeds is not fatal:
/// the message comes back after its visibility timeout and is answered from its completed record.
/// </summary>
internal sealed partial class DeleteBatcher
{
    private readonly ISqsTransport _sqs;
    private readonly string _queueUrl;
    private readonly SqsDeleteBatchOptions _options;
    private readonly ErrorBackoff _backoff;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Channel<PendingDelete> _pending = Channel.CreateUnbounded<PendingDelete>(new UnboundedChannelOptions { SingleReader = true });

    public DeleteBatcher(ISqsTransport sqs, string queueUrl, SqsDeleteBatchOptions options, SqsErrorBackoffOptions errorBackoff, TimeProvider timeProvider, ILogger logger)
    {
        _sqs = sqs;
        _queueUrl = queueUrl;
        _options = options;
        _backoff = new ErrorBackoff(errorBackoff, timeProvider);
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>Queues a delete. Returns false after <see cref="Complete"/>.</summary>
    public bool Enqueue(string messageId, string receiptHandle) => _pending.Writer.TryWrite(new PendingDelete(messageId, receiptHandle));

    /// <summary>No more deletes will come: the loop sends what is queued and ends.</summary>
    public void Complete() => _pending.Writer.TryComplete();

    /// <summary>Sends batches until <see cref="Complete"/> and the queue is empty.</summary>
    /// <param name="abort">Gives up on what is left (after the shutdown's hand-back timeout).</param>
    public async Task RunAsync(CancellationToken abort)
    {
        var reader = _pending.Reader;
        var batch = new List<PendingDelete>(_options.MaxBatchSize);
        try
        {
            while (await reader.WaitToReadAsync(abort).ConfigureAwait(false))
            {
                Fill(reader, batch);
                if (batch.Count < _options.MaxBatchSize && _options.FlushInterval > TimeSpan.Zero)
                {
                    await GatherUntilFlushAsync(reader, batch, abort).ConfigureAwait(false);
                }

                if (batch.Count > 0)
                {
                    await SendAsync(batch, abort).ConfigureAwait(false);
                    batch.Clear();
                }
            }
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            var dropped = batch.Count;
            while (reader.TryRead(out _))
            {
                dropped++;
            }

            if (dropped > 0)
            {
                LogAbandoned(_logger, dropped);
            }
        }
    }

    private void Fill(ChannelReader<PendingDelete> reader, List<PendingDelete> batch)
    {
        while (batch.Count < _options.MaxBatchSize && reader.TryRead(out var next))
        {
            batch.Add(next);
        }
    }

    private async Task GatherUntilFlushAsync(ChannelReader<PendingDelete> reader, List<PendingDelete> batch, CancellationToken abort)
    {
        using var flushDue = new CancellationTokenSource(_options.FlushInterval, _timeProvider);
        using var window = CancellationTokenSource.CreateLinkedTokenSource(abort, flushDue.Token);
        try
        {
            while (batch.Count < _options.MaxBatchSize && await reader.WaitToReadAsync(window.Token).ConfigureAwait(false))
            {
                Fill(reader, batch);
            }
        }
        catch (OperationCanceledException) when (!abort.IsCancellationRequested)
        {
            // The flush interval passed: send what we have.
        }
    }

    private async Task SendAsync(List<PendingDelete> batch, CancellationToken abort)
    {
        var remaining = batch;
        for (var attempt = 1; remaining.Count > 0; attempt++)
        {
            try
            {
                remaining = await SendOnceAsync(remaining, abort).ConfigureAwait(false);
                _backoff.Reset();
                if (remaining.Count == 0)
                {
                    return;
                }

                if (attempt >= _options.MaxAttempts)
                {
                    LogGivingUp(_logger, remaining.Count, attempt);
                    return;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !abort.IsCancellationRequested)
            {
                SqsConsumerTelemetry.RecordError("delete");
                LogDeleteFailed(_logger, ex, remaining.Count, attempt);
                if (attempt >= _options.MaxAttempts)
                {
                    LogGivingUp(_logger, remaining.Count, attempt);
                    return;
                }
            }

            await _backoff.WaitAsync(abort).ConfigureAwait(false);
        }
    }

    /// <returns>The entries worth another attempt (failed on SQS's side, not because of the request).</returns>
    private async Task<List<PendingDelete>> SendOnceAsync(List<PendingDelete> batch, CancellationToken abort)
    {
        var entries = new SqsReceipt[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            // Ids only need to be unique within the request; message ids may repeat if a message came back.
            entries[i] = new SqsReceipt(i.ToString(CultureInfo.InvariantCulture), batch[i].ReceiptHandle);
        }

        var failed = await _sqs.DeleteBatchAsync(_queueUrl, entries, abort).ConfigureAwait(false);
        var deleted = batch.Count - failed.Count;
        if (deleted > 0)
        {
            SqsConsumerTelemetry.Deleted.Add(deleted);
        }

        var retry = new List<PendingDelete>();
        foreach (var failure in failed)
        {
            if (!int.TryParse(failure.Id, NumberStyles.Integer, CultureInfo.InvariantCulture, out var index) || index < 0 || index >= batch.Count)
            {
                continue;
            }

            var entry = batch[index];
            SqsConsumerTelemetry.RecordError("delete");
            LogEntryFailed(_logger, entry.MessageId, failure.Code, failure.Message);
            if (!failure.SenderFault)
            {
                retry.Add(entry);
            }
        }

        return retry;
    }

    private readonly record struct PendingDelete(string MessageId, string ReceiptHandle);

    [LoggerMessage(EventId = 1300, Level = LogLevel.Warning, Message = "Deleting {Count} messages failed (attempt {Attempt}); backing off.")]
    private static partial void LogDeleteFailed(ILogger logger, Exception exception, int count, int attempt);

    [LoggerMessage(EventId = 1301, Level = LogLevel.Warning, Message = "Deleting message {MessageId} failed: {Code} {Reason}.")]
    private static partial void LogEntryFailed(ILogger logger, string messageId, string? code, string? reason);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Warning, Message = "Giving up deleting {Count} messages after {Attempts} attempts; they come back after their visibility timeout and are answered from their records.")]
    private static partial void LogGivingUp(ILogger logger, int count, int attempts);

    [LoggerMessage(EventId = 1303, Level = LogLevel.Warning, Message = "Shutdown: {Count} deletes were not sent; those messages come back after their visibility timeout and are answered from their records.")]
    private static partial void LogAbandoned(ILogger logger, int count);
}
