using System.Diagnostics;
using IdempotentConsumer.Stores;
using Microsoft.Extensions.DependencyInjection;

namespace IdempotentConsumer.Hosting.Bench;

/// <summary>The worker on an in-process queue: its own CPU cost per message, free of emulator and network noise.</summary>
public static class Overhead
{
    public static async Task RunAsync(int messages, int rounds, int concurrency)
    {
        using var deleted = new DeletedMessages();
        for (var round = 0; round <= rounds; round++)
        {
            using var sqs = new InProcessSqsClient();
            sqs.Fill(messages);
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var (elapsed, handled) = await WorkerRun.DrainAsync(
                new IdempotentConsumer.Hosting.Transport.AwsSqsTransport(sqs), "http://127.0.0.1:9/000000000000/in-process", messages, concurrency, $"overhead-{round}", deleted,
                services => services.AddSingleton<IIdempotencyStore>(new InMemoryIdempotencyStore()));
            var cpuPerMessage = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / messages;
            Console.WriteLine($"{(round == 0 ? "warm-up" : $"round {round}")}: {messages / elapsed.TotalSeconds:F0} msg/s, {cpuPerMessage:F1} µs CPU per message, handled {handled}");
        }
    }
}
