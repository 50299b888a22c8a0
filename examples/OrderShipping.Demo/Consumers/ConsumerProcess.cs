using IdempotentConsumer.Hosting.DependencyInjection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrderShipping.Handling;
using OrderShipping.Orders;
using OrderShipping.Shipping;

namespace OrderShipping.Demo.Consumers;

/// <summary>
/// One consumer process: a host running the deployed worker, <c>AddSqsConsumer&lt;Order&gt;</c>, over this life's
/// connections to the shared queue and store. After a crash it is torn down and the supervisor starts a new one, as an
/// orchestrator restarts a container.
/// </summary>
internal sealed class ConsumerProcess : IConsumerProcess
{
    private readonly IHost _host;

    private ConsumerProcess(ConsumerLife life, IHost host)
    {
        Life = life;
        _host = host;
    }

    public ConsumerLife Life { get; }

    public static async Task<IConsumerProcess> StartAsync(string name, ConsumerEnvironment environment, CancellationToken cancellationToken)
    {
        var life = new ConsumerLife(name, environment.Store, environment.Transport);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton(environment.ShippingApi);
        builder.Services.AddSqsConsumer<Order>(
            options =>
            {
                options.QueueUrl = environment.QueueUrl;
                options.Name = OrderShippingIdempotency.KeyPrefix;
                options.VisibilityTimeout = environment.Timings.VisibilityTimeout;
                options.WaitTimeSeconds = 1;
                options.HandBackTimeout = TimeSpan.FromMilliseconds(500);
            },
            consumer =>
            {
                consumer.WithSqsTransport(_ => life.Transport).WithStore(life.Store);
                if (environment.Idempotency)
                {
                    consumer.WithIdempotency(environment.ConfigureIdempotency);
                }
                else
                {
                    consumer.WithoutIdempotency();
                }

                consumer
                    .Use(environment.Faults.For(life))
                    .Handle(new ShipOrderHandler(environment.ShippingApi));
            });
        var host = builder.Build();
        await host.StartAsync(cancellationToken).ConfigureAwait(false);
        return new ConsumerProcess(life, host);
    }

    public async Task StopAsync()
    {
        // A dead process has no time left for anything: the stop gives up on its in-flight messages at once.
        using var deadline = new CancellationTokenSource();
        if (Life.IsDead)
        {
            await deadline.CancelAsync().ConfigureAwait(false);
        }

        try
        {
            await _host.StopAsync(deadline.Token).ConfigureAwait(false);
        }
        finally
        {
            _host.Dispose();
        }
    }
}
