using System.Diagnostics;
using System.Text.Json;
using IdempotentConsumer.InProcess;
using IdempotentConsumer.Stores;
using Microsoft.Extensions.DependencyInjection;

namespace IdempotentConsumer.Hosting.Bench;

/// <summary>
/// The worker on <see cref="InProcessSqsTransport"/>: no network and no emulator, so a run measures the worker's own
/// cost per message (threads, scopes, pipeline, store).
/// </summary>
public static class Overhead
{
    public static async Task RunAsync(int messages, int rounds, int concurrency)
    {
        using var deleted = new DeletedMessages();
        for (var round = 0; round <= rounds; round++)
        {
            var transport = new InProcessSqsTransport();
            var queueUrl = transport.CreateQueue("in-process", new InProcessSqsQueueOptions { VisibilityTimeout = TimeSpan.FromSeconds(30) });
            for (var i = 0; i < messages; i++)
            {
                await transport.SendAsync(queueUrl, JsonSerializer.Serialize(new BenchMessage($"msg-{i}", $"customer-{i % 97}", i % 5 + 1), JsonSerializerOptions.Web));
            }

            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var (elapsed, handled) = await WorkerRun.DrainAsync(
                transport, queueUrl, messages, concurrency, $"overhead-{round}", deleted,
                services => services.AddSingleton<IIdempotencyStore>(new InMemoryIdempotencyStore()));
            var cpuPerMessage = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / messages;
            Console.WriteLine($"{(round == 0 ? "warm-up" : $"round {round}")}: {messages / elapsed.TotalSeconds:F0} msg/s, {cpuPerMessage:F1} µs CPU per message, handled {handled}");
        }
    }
}
