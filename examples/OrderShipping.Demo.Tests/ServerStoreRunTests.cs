using IdempotentConsumer.TestInfrastructure.Fixtures;
using OrderShipping.Demo.Options;

namespace OrderShipping.Demo.Tests;

/// <summary>The default story (in-process queue, deployed worker) with its records on a server store started by the test run.</summary>
public sealed class ServerStoreRunTests(RedisServerFixture redis, PostgreSqlServerFixture postgres)
    : IClassFixture<RedisServerFixture>, IClassFixture<PostgreSqlServerFixture>
{
    [Fact]
    public async Task Given_a_redis_server_When_the_demo_runs_with_store_redis_Then_every_order_ships_exactly_once() =>
        await RunAndAssertAsync(["--store", "redis", "--redis-url", redis.ConnectionString], "Redis store");

    [Fact]
    public async Task Given_a_postgresql_server_When_the_demo_runs_with_store_postgres_twice_Then_every_order_ships_exactly_once_each_time()
    {
        // The second run reuses the table: its orders must not be answered by the first run's records.
        await RunAndAssertAsync(["--store", "postgres", "--postgres-url", postgres.ConnectionString], "PostgreSQL store");
        await RunAndAssertAsync(["--store", "postgres", "--postgres-url", postgres.ConnectionString], "PostgreSQL store");
    }

    private static async Task RunAndAssertAsync(string[] storeArguments, string storeDescription)
    {
        var (options, error) = DemoOptionsParser.Parse([.. storeArguments, "--orders", "200", "--consumers", "6", "--no-progress"]);
        Assert.Null(error);

        var report = await new DemoRunner(options!).RunAsync(CancellationToken.None);

        Assert.False(report.TimedOut);
        Assert.Contains(storeDescription, report.StoreDescription, StringComparison.Ordinal);
        Assert.True(report.Crashes > 0 && report.DuplicateSends > 0, "the run met no faults");
        Assert.Empty(report.DoubleShipped);
        Assert.Empty(report.Lost);
        Assert.Equal(report.Orders, report.Shipments);
    }
}
