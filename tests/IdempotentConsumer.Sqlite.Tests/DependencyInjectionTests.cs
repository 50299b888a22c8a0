using IdempotentConsumer.Stores;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static IdempotentConsumer.Sqlite.Tests.TestTimes;

namespace IdempotentConsumer.Sqlite.Tests;

/// <summary>Registration through the service collection.</summary>
public sealed class DependencyInjectionTests : IDisposable
{
    private readonly TemporaryDatabase _database = new();

    [Fact]
    public async Task Given_configuration_with_the_sqlite_section_When_the_store_is_added_Then_the_bound_file_and_table_are_used()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Idempotency:Sqlite:DataSource"] = _database.FilePath,
                ["Idempotency:Sqlite:TableName"] = "shipping_records",
                ["Idempotency:Sqlite:BusyTimeout"] = "00:00:02",
                ["Idempotency:Sqlite:Synchronous"] = "Normal",
            })
            .Build();
        var services = new ServiceCollection().AddSqliteIdempotencyStore(configuration);
        await using var provider = services.BuildServiceProvider();

        var store = Assert.IsType<SqliteIdempotencyStore>(provider.GetRequiredService<IIdempotencyStore>());
        Assert.True((await store.TryBeginAsync(Begin("k", NewOwner()))).Acquired);

        Assert.Equal("shipping_records", store.TableName);
        Assert.Equal(_database.FilePath, store.DataSource);
        Assert.Same(store, provider.GetRequiredService<SqliteIdempotencyStore>());
    }

    [Fact]
    public async Task Given_an_in_memory_store_registered_first_When_the_sqlite_store_is_added_Then_it_replaces_it()
    {
        var services = new ServiceCollection()
            .AddSingleton<IIdempotencyStore, InMemoryIdempotencyStore>()
            .AddSqliteIdempotencyStore(_database.FilePath);
        await using var provider = services.BuildServiceProvider();

        Assert.IsType<SqliteIdempotencyStore>(provider.GetRequiredService<IIdempotencyStore>());
        Assert.Single(services, descriptor => descriptor.ServiceType == typeof(IIdempotencyStore));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Given_the_core_registration_When_the_sqlite_store_is_added_before_or_after_it_Then_the_executor_gets_the_sqlite_store(bool sqliteFirst)
    {
        var services = new ServiceCollection();
        if (sqliteFirst)
        {
            services.AddSqliteIdempotencyStore(_database.FilePath).AddIdempotency();
        }
        else
        {
            services.AddIdempotency().AddSqliteIdempotencyStore(_database.FilePath);
        }

        await using var provider = services.BuildServiceProvider();

        Assert.IsType<SqliteIdempotencyStore>(provider.GetRequiredService<IIdempotencyStore>());
    }

    [Fact]
    public async Task Given_code_configuration_When_the_store_is_added_Then_the_options_are_applied()
    {
        var services = new ServiceCollection().AddSqliteIdempotencyStore(options =>
        {
            options.DataSource = _database.FilePath;
            options.TableName = "from_code";
        });
        await using var provider = services.BuildServiceProvider();

        Assert.Equal("from_code", provider.GetRequiredService<SqliteIdempotencyStore>().TableName);
    }

    public void Dispose() => _database.Dispose();
}
