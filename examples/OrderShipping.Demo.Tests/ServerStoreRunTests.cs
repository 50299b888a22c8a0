using IdempotentConsumer.TestInfrastructure.Fixtures;
using OrderShipping.Demo.Options;

namespace OrderShipping.Demo.Tests;

/// <summary>The default story (in-process queue, deployed worker) with its records on a server store started by the test run.</summary>
public sealed class ServerStoreRunTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task Given_a_redis_server_When_the_demo_runs_with_store_redis_Then_every_order_ships_exactly_once()
    {
        var (options, error) = DemoOptionsParser.Parse(
            ["--store", "redis", "--redis-url", redis.ConnectionString, "--orders", "200", "--consumers", "6", "--no-progress"]);
        Assert.Null(error);

        var report = await new DemoRunner(options!).RunAsync(CancellationToken.None);

        Assert.False(report.TimedOut);
        Assert.Contains("Redis store", report.StoreDescription, StringComparison.Ordinal);
        Assert.True(report.Crashes > 0 && report.DuplicateSends > 0, "the run met no faults");
        Assert.Empty(report.DoubleShipped);
        Assert.Empty(report.Lost);
        Assert.Equal(report.Orders, report.Shipments);
    }
}
