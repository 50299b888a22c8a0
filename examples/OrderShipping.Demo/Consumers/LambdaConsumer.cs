using Amazon.Lambda.Core;
using Amazon.Lambda.SQSEvents;
using IdempotentConsumer.Lambda.LocalRunner;
using IdempotentConsumer.Lambda.Sqs;
using OrderShipping.Handling;
using OrderShipping.Orders;

namespace OrderShipping.Demo.Consumers;

/// <summary>
/// One Lambda consumer: the local event source mapping polls the shared queue through its transport and invokes, in
/// process, an <see cref="SqsBatchProcessor{TMessage}"/> living in one execution environment. A crash kills the
/// environment: its invocation fails as a whole, so the mapping deletes nothing of that batch and every record comes
/// back after its visibility timeout; the supervisor then starts a new environment with a new poller.
/// </summary>
internal sealed class LambdaConsumer : IConsumerProcess
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _polling;

    private LambdaConsumer(ConsumerLife life, LocalEventSourceMapping mapping)
    {
        Life = life;
        _polling = Task.Run(() => mapping.RunAsync(_stop.Token), CancellationToken.None);
    }

    public ConsumerLife Life { get; }

    public static Task<IConsumerProcess> StartAsync(string name, ConsumerEnvironment environment, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var life = new ConsumerLife(name, environment.Store, environment.Transport);
        var builder = SqsBatchProcessor.For<Order>(environment.KeyPrefix).WithStore(life.Store);
        if (environment.Idempotency)
        {
            builder.WithIdempotency(environment.ConfigureIdempotency);
        }
        else
        {
            builder.WithoutIdempotency();
        }

        var processor = builder
            .Use(environment.Faults.For(life))
            .Handle(new ShipOrderHandler(environment.ShippingApi));

        async Task<SQSBatchResponse> FunctionAsync(SQSEvent sqsEvent, ILambdaContext context)
        {
            var response = await processor.ProcessAsync(sqsEvent, context).ConfigureAwait(false);

            // The environment died during this invocation: the runtime reports an error, not the response.
            return life.IsDead ? throw new ConsumerCrashedException($"Execution environment {life.Name} crashed.") : response;
        }

        var mapping = new LocalEventSourceMapping(
            environment.Transport,
            new LocalEventSourceMappingOptions
            {
                QueueUrl = environment.QueueUrl,
                QueueArn = environment.QueueArn,
                FunctionName = name,
                FunctionTimeout = environment.Timings.FunctionTimeout,
                WaitTimeSeconds = 1,
            },
            FunctionAsync,
            functionLogger: SilentLambdaLogger.Instance);
        return Task.FromResult<IConsumerProcess>(new LambdaConsumer(life, mapping));
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _polling.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped mid-poll.
        }
        finally
        {
            _stop.Dispose();
        }
    }

    /// <summary>The function's <c>context.Logger</c>: the demo prints only its table.</summary>
    private sealed class SilentLambdaLogger : ILambdaLogger
    {
        public static SilentLambdaLogger Instance { get; } = new();

        public void Log(string message)
        {
        }

        public void LogLine(string message)
        {
        }
    }
}
