using System.Diagnostics;
using IdempotentConsumer.Hosting.Tests.Support;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using Xunit;
using Xunit.Abstractions;

namespace IdempotentConsumer.Hosting.Tests.Integration;

[Collection(EmulatorCollections.Fauxqs)]
public sealed class ShutdownTests(FauxqsFixture fauxqs, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly WorkerHosts _hosts = new(fauxqs, output);
    private readonly TestQueues _queues = new(fauxqs.CreateSqsClient());

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _hosts.DisposeAsync();

    [Fact]
    public async Task Given_messages_in_flight_at_shutdown_When_the_timeout_passes_Then_finished_ones_are_deleted_and_unfinished_ones_handed_back_with_their_records_released()
    {
        // A long visibility timeout: only an explicit hand-back can make the message visible again quickly.
        var queue = await _queues.CreateAsync("shutdown", visibilitySeconds: 30);
        var quick = new Order("quick-1", "u-1", "p-1", DelayMs: 300);
        var stuck = new Order("stuck-1", "u-2", "p-1", DelayMs: 60_000);
        await _queues.SendAsync(queue, [quick, stuck]);
        var host = await _hosts.StartAsync(queue, configure: o => o.VisibilityTimeout = TimeSpan.FromSeconds(30), shutdownTimeout: TimeSpan.FromSeconds(1));
        await Eventually.TrueAsync(() => _hosts.Ledger.Invocations == 2, TimeSpan.FromSeconds(10));

        var stopping = Stopwatch.StartNew();
        await host.StopAsync();
        stopping.Stop();

        Assert.InRange(stopping.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(6));
        Assert.Equal(1, _hosts.Ledger.ShipmentsOf(quick.OrderId));
        Assert.Equal(0, _hosts.Ledger.ShipmentsOf(stuck.OrderId));
        Assert.Contains(stuck.OrderId, _hosts.Ledger.Cancelled);
        Assert.Null(await _hosts.Store.GetAsync(OrderKeys.Of(stuck)));

        var back = await _queues.ReceiveAsync(queue, waitSeconds: 2);
        var message = Assert.Single(back);
        Assert.Equal(stuck.OrderId, TestQueues.OrderOf(message).OrderId);
        Assert.Equal("2", message.Attributes!["ApproximateReceiveCount"]);
    }

    [Fact]
    public async Task Given_a_handler_that_finishes_within_the_shutdown_timeout_When_stopping_Then_it_completes_and_nothing_is_handed_back()
    {
        var queue = await _queues.CreateAsync("drain", visibilitySeconds: 30);
        var order = new Order("drain-1", "u-1", "p-1", DelayMs: 1_000);
        await _queues.SendAsync(queue, [order]);
        var host = await _hosts.StartAsync(queue, configure: o => o.VisibilityTimeout = TimeSpan.FromSeconds(30), shutdownTimeout: TimeSpan.FromSeconds(10));
        await Eventually.TrueAsync(() => _hosts.Ledger.Invocations == 1, TimeSpan.FromSeconds(10));

        await host.StopAsync();

        Assert.Equal(1, _hosts.Ledger.ShipmentsOf(order.OrderId));
        Assert.Empty(_hosts.Ledger.Cancelled);
        Assert.Equal(0, await _queues.CountAsync(queue));
    }
}
