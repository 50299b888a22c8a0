using System.Diagnostics;
using IdempotentConsumer.Sqs.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace IdempotentConsumer.Hosting.Bench;

/// <summary>The worker as an application would run it: a host, AddSqsConsumer, a store from DI, its SQS calls through the given transport (fauxqs through <c>AwsSqsTransport</c>, or the in-process queue).</summary>
public static class WorkerRun
{
    public static async Task<(TimeSpan Elapsed, long Handled)> DrainAsync(
        ISqsTransport transport,
        string queueUrl,
        int count,
        int concurrency,
        string consumerName,
        DeletedMessages deleted,
        Action<IServiceCollection> addStore)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton<HandledCounter>();
        addStore(builder.Services);
        builder.Services
            .AddSqsConsumer<BenchMessage, CountingHandler>(o =>
            {
                o.QueueUrl = queueUrl;
                o.Name = consumerName;
                o.WaitTimeSeconds = 1;
                o.VisibilityTimeout = TimeSpan.FromSeconds(30);
            })
            .WithSqsTransport(_ => transport)
            .WithKey(m => m.Id)
            .WithConcurrency(concurrency);
        using var host = builder.Build();

        var done = deleted.WaitForAsync(count, TimeSpan.FromMinutes(5));
        var watch = Stopwatch.StartNew();
        await host.StartAsync();
        await done;
        var elapsed = watch.Elapsed;
        await host.StopAsync();
        return (elapsed, host.Services.GetRequiredService<HandledCounter>().Count);
    }
}
