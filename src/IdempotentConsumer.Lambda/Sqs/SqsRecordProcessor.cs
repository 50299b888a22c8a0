using IdempotentConsumer.Lambda.Envelopes;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Pipeline;
using IdempotentConsumer.Records;
using IdempotentConsumer.Sqs;
using Microsoft.Extensions.DependencyInjection;

namespace IdempotentConsumer.Lambda.Sqs;

/// <summary>
/// Runs one record of a batch: opens its envelope, checks there is time for a lease, runs the pipeline in the record's
/// own service scope, and reports the outcome. It never throws: whatever goes wrong, the record gets a result.
/// </summary>
/// <typeparam name="TMessage">The handler's message type.</typeparam>
internal sealed class SqsRecordProcessor<TMessage>
{
    private readonly MessagePipeline<TMessage> _pipeline;
    private readonly SqsBatchProcessorOptions _options;
    private readonly IServiceProvider _services;
    private readonly IServiceScopeFactory? _scopeFactory;

    public SqsRecordProcessor(MessagePipeline<TMessage> pipeline, SqsBatchProcessorOptions options, IServiceProvider services)
    {
        _pipeline = pipeline;
        _options = options;
        _services = services;
        _scopeFactory = services.GetService<IServiceScopeFactory>();
    }

    /// <summary>Opens the record's envelope ahead of the batch; never throws (a failure is kept for the record's run to report).</summary>
    public OpenedRecord Open(LambdaSqsTransportMessage message)
    {
        try
        {
            var content = _options.Envelope.Open(message.Record);
            return new OpenedRecord(content, content.IsIgnored ? null : SqsIncomingMessages.ToIncoming(message, content.Body, content.DefaultKey), null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new OpenedRecord(default, null, ex);
        }
    }

    /// <param name="message">The record (null fails on its own).</param>
    /// <param name="opened">The record already opened by <see cref="Open"/>, or null to open it here.</param>
    /// <param name="prechecked">The completed record the batch pre-check read for its key, if any.</param>
    /// <param name="invocation">The invocation.</param>
    /// <param name="cancellationToken">The invocation's deadline.</param>
    public async Task<SqsRecordResult> RunAsync(LambdaSqsTransportMessage? message, OpenedRecord? opened, IdempotencyRecord? prechecked, SqsInvocation invocation, CancellationToken cancellationToken)
    {
        try
        {
            if (message is null)
            {
                return SqsRecordResults.FailedOutsidePipeline(null, new MessageDeserializationException("The batch holds a null record."), false, invocation);
            }

            if (message.MessageId.Length == 0)
            {
                Logging.SqsBatchLog.RecordWithoutMessageId(invocation.Logger, invocation.RequestId);
            }

            if (cancellationToken.IsCancellationRequested)
            {
                return SqsRecordResults.NotStarted(message, SqsRecordFailureReason.TimedOut, invocation);
            }

            var lease = invocation.Context.RemainingTime - _options.LeaseSafetyMargin;
            if (lease < _options.MinimumLease)
            {
                return SqsRecordResults.NotStarted(message, SqsRecordFailureReason.LeaseTooShort, invocation);
            }

            opened ??= Open(message);
            if (opened.Error is { } openError)
            {
                return SqsRecordResults.FailedOutsidePipeline(message, openError, false, invocation);
            }

            if (opened.Content.IsIgnored)
            {
                return SqsRecordResults.Ignored(message, _options.Envelope.Name, opened.Content.IgnoreReason!, invocation);
            }

            return await RunPipelineAsync(message, opened.Incoming!, prechecked, lease, invocation, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Whatever went wrong around the pipeline, this record is reported, never dropped.
            return SqsRecordResults.FailedOutsidePipeline(message, ex, cancellationToken.IsCancellationRequested, invocation);
        }
    }

    private async Task<SqsRecordResult> RunPipelineAsync(LambdaSqsTransportMessage message, IncomingMessage incoming, IdempotencyRecord? prechecked, TimeSpan lease, SqsInvocation invocation, CancellationToken cancellationToken)
    {
        var scope = _scopeFactory?.CreateAsyncScope();
        try
        {
            var context = new MessageContext<TMessage>(incoming, scope?.ServiceProvider ?? _services, cancellationToken) { LeaseDuration = lease, PrecheckedRecord = prechecked };
            var processed = await _pipeline.ProcessAsync(context).ConfigureAwait(false);
            return SqsRecordResults.FromPipeline(message, incoming.ReceiveCount, processed, cancellationToken.IsCancellationRequested, invocation);
        }
        finally
        {
            if (scope is { } s)
            {
                await s.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
