using System.Diagnostics;
using IdempotentConsumer.Dispositions;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Execution;
using IdempotentConsumer.Telemetry;
using Microsoft.Extensions.Logging;

namespace IdempotentConsumer.Pipeline;

/// <summary>
/// A built pipeline for one message type: deserialize → middleware (idempotency, retry, …) → handler.
/// It never throws for a message: every failure is reported in the <see cref="MessageProcessingResult"/>,
/// so an adapter fails only that message. Thread-safe; build once and share.
/// </summary>
/// <typeparam name="TMessage">The message type.</typeparam>
public sealed partial class MessagePipeline<TMessage>
{
    private readonly MessageBodyDeserializer<TMessage> _deserializer;
    private readonly MessageHandlerDelegate<TMessage> _entry;
    private readonly ILogger _logger;
    private readonly DispositionPolicy _dispositions;

    internal MessagePipeline(MessageBodyDeserializer<TMessage> deserializer, MessageHandlerDelegate<TMessage> entry, ILogger logger, DispositionPolicy dispositions)
    {
        _deserializer = deserializer;
        _entry = entry;
        _logger = logger;
        _dispositions = dispositions;
    }

    /// <summary>Reads bodies the way <see cref="ProcessAsync(MessageContext{TMessage})"/> does (the batch pre-check derives keys with it).</summary>
    internal MessageBodyDeserializer<TMessage> Deserializer => _deserializer;

    /// <summary>The policy that turns each result into a <see cref="MessageDisposition"/>.</summary>
    public DispositionPolicy Dispositions => _dispositions;

    /// <summary>Processes one message with a context the caller keeps (the worker reads its lease while it runs).</summary>
    public async ValueTask<MessageProcessingResult> ProcessAsync(MessageContext<TMessage> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var incoming = context.Incoming;
        using var activity = IdempotencyTelemetry.ActivitySource.StartActivity("message.process", ActivityKind.Consumer);
        activity?.SetTag("messaging.message.id", incoming.MessageId);
        var started = Stopwatch.GetTimestamp();
        IdempotencyTelemetry.MessagesReceived.Add(1);
        IdempotencyTelemetry.MessagesInFlight.Add(1);
        try
        {
            context.Message = _deserializer.Deserialize(incoming);
            var response = await _entry(context).ConfigureAwait(false);
            var replayed = context.Outcome is IdempotencyOutcomeKind.Replayed or IdempotencyOutcomeKind.CompletedWithoutResponse;
            (replayed ? IdempotencyTelemetry.MessagesReplayed : IdempotencyTelemetry.MessagesProcessed).Add(1);
            activity?.SetTag("idempotency.outcome", replayed ? "replayed" : "processed");
            return Result(incoming, replayed ? MessageProcessingStatus.Replayed : MessageProcessingStatus.Succeeded, response, null, context.IdempotencyKey);
        }
        catch (IdempotencyResponseNotStoredException notStored)
        {
            // The side effect happened and the key is marked completed: sending the message back would only
            // spend a receive to be acknowledged as a duplicate. Delete it, and say loudly what was lost.
            IdempotencyTelemetry.MessagesProcessed.Add(1);
            activity?.SetTag("idempotency.outcome", "processed_response_not_stored");
            LogResponseNotStored(_logger, notStored, incoming.MessageId, context.IdempotencyKey);
            return Result(incoming, MessageProcessingStatus.Succeeded, notStored.Result, notStored, context.IdempotencyKey);
        }
        catch (Exception ex)
        {
            IdempotencyTelemetry.MessagesFailed.Add(1);
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            LogMessageFailed(_logger, ex, incoming.MessageId, incoming.ReceiveCount, context.IdempotencyKey, ex.GetType().Name);
            return Result(incoming, MessageProcessingStatus.Failed, null, ex, context.IdempotencyKey);
        }
        finally
        {
            IdempotencyTelemetry.MessagesInFlight.Add(-1);
            if (IdempotencyTelemetry.HandlerDuration.Enabled)
            {
                IdempotencyTelemetry.HandlerDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }
    }

    /// <summary>Processes one message.</summary>
    /// <param name="incoming">The delivered message.</param>
    /// <param name="services">Services for the handler (a per-message scope in hosted consumers).</param>
    /// <param name="leaseDuration">The in-progress lease the adapter allows; null for the options' default.</param>
    /// <param name="cancellationToken">Cancels the handler.</param>
    public ValueTask<MessageProcessingResult> ProcessAsync(IncomingMessage incoming, IServiceProvider services, TimeSpan? leaseDuration = null, CancellationToken cancellationToken = default) =>
        ProcessAsync(new MessageContext<TMessage>(incoming, services, cancellationToken) { LeaseDuration = leaseDuration });

    private MessageProcessingResult Result(IncomingMessage incoming, MessageProcessingStatus status, object? response, Exception? error, string? key) =>
        new(incoming.MessageId, status, response, error, key, _dispositions.Decide(status, error, incoming.ReceiveCount));

    [LoggerMessage(EventId = 101, Level = LogLevel.Error, Message = "Message {MessageId} was handled (idempotency key {IdempotencyKey}) but its response could not be stored; the key is completed without a response and the message is deleted.")]
    private static partial void LogResponseNotStored(ILogger logger, Exception exception, string messageId, string? idempotencyKey);

    [LoggerMessage(EventId = 100, Level = LogLevel.Warning, Message = "Message {MessageId} failed (receive count {ReceiveCount}, idempotency key {IdempotencyKey}) with {ErrorType}; it goes back to the queue.")]
    private static partial void LogMessageFailed(ILogger logger, Exception exception, string messageId, int receiveCount, string? idempotencyKey, string errorType);
}
