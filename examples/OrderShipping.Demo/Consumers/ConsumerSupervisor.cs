using System.Globalization;
using OrderShipping.Demo.Reporting;

namespace OrderShipping.Demo.Consumers;

/// <summary>
/// Keeps one consumer running, as an orchestrator keeps a container: when its process dies, the dead one is torn
/// down and a new one started. Whatever the dead process held comes back from the queue after its visibility timeout.
/// </summary>
internal sealed class ConsumerSupervisor(int number, Func<string, CancellationToken, Task<IConsumerProcess>> start, DemoStatistics statistics)
{
    public async Task RunAsync(CancellationToken stopping)
    {
        var generation = 1;
        var teardowns = new List<Task>();
        var process = await start(Name(generation), stopping).ConfigureAwait(false);
        try
        {
            while (true)
            {
                await Task.WhenAny(process.Life.Died, Task.Delay(Timeout.Infinite, stopping)).ConfigureAwait(false);
                if (!process.Life.IsDead)
                {
                    return;
                }

                statistics.RecordCrash();
                teardowns.Add(process.StopAsync());
                process = await start(Name(++generation), CancellationToken.None).ConfigureAwait(false);
            }
        }
        finally
        {
            await process.StopAsync().ConfigureAwait(false);
            await Task.WhenAll(teardowns).ConfigureAwait(false);
        }
    }

    private string Name(int generation) => string.Create(CultureInfo.InvariantCulture, $"consumer-{number}.{generation}");
}
