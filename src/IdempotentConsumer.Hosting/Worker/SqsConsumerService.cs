using Microsoft.Extensions.Hosting;

namespace IdempotentConsumer.Hosting.Worker;

/// <summary>
/// Hosts one <see cref="SqsConsumer{TMessage}"/>. Stopping cancels receiving at once; the host's shutdown token
/// (its <c>ShutdownTimeout</c>) is the in-flight messages' deadline, after which they are cancelled and handed back.
/// </summary>
internal sealed class SqsConsumerService<TMessage>(SqsConsumer<TMessage> consumer) : BackgroundService
{
    public SqsConsumer<TMessage> Consumer => consumer;

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        using var deadline = cancellationToken.Register(static state => ((SqsConsumer<TMessage>)state!).AbandonInFlight(), consumer);

        // Wait for the drain itself rather than for the token: the hand-back after the deadline is bounded by the consumer.
        await base.StopAsync(CancellationToken.None).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => consumer.RunAsync(stoppingToken);
}
