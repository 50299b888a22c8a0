using IdempotentConsumer.Lambda.Envelopes;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Pipeline;
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

    public async Task<SqsRecordResult> RunAsync(LambdaSqsTransportMessage? message, SqsInvocation invocation, CancellationToken cancellationToken)
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

            SqsEnvelopeContent opened;
            try
            {
                opened = _options.Envelope.Open(message.Record);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return SqsRecordResults.FailedOutsidePipeline(message, ex, false, invocation);
            }

            if (opened.IsIgnored)
            {
                return SqsRecordResults.Ignored(message, _options.Envelope.Name, opened.IgnoreReason!, invocation);
            }

            return await RunPipelineAsync(message, opened, lease, invocation, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Whatever went wrong around the pipeline, this record is reported, never dropped.
            return SqsRecordResults.FailedOutsidePipeline(message, ex, cancellationToken.IsCancellationRequested, invocation);
        }
    }

    private async Task<SqsRecordResult> RunPipelineAsync(LambdaSqsTransportMessage message, SqsEnvelopeContent opened, TimeSpan lease, SqsInvocation invocation, CancellationToken cancellationToken)
    {
        var incoming = SqsIncomingMessages.ToIncoming(message, opened.Body, opened.DefaultKey);
        var scope = _scopeFactory?.CreateAsyncScope();
        try
        {
            var context = new MessageContext<TMessage>(incoming, scope?.ServiceProvider ?? _services, cancellationToken) { LeaseDuration = lease };
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
