using IdempotentConsumer.PostgreSql.Tests.Support;
using IdempotentConsumer.Stores;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit;

namespace IdempotentConsumer.PostgreSql.Tests.Behaviour;

/// <summary>Registration through the service collection.</summary>
[Collection(EmulatorCollections.PostgreSql)]
public sealed class DependencyInjectionTests(PostgreSqlServerFixture postgres)
{
    [Fact]
    public async Task Given_a_bound_configuration_section_When_the_store_is_added_Then_it_writes_to_the_configured_schema_and_table()
    {
        var table = PostgreSqlDataSources.NewTableName("bound");
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Idempotency:PostgreSql:ConnectionString"] = postgres.ConnectionString,
                ["Idempotency:PostgreSql:SchemaName"] = "bound_schema",
                ["Idempotency:PostgreSql:TableName"] = table,
            })
            .Build();
        await using var provider = new ServiceCollection()
            .AddPostgreSqlIdempotencyStore(configuration.GetSection(PostgreSqlIdempotencyStoreOptions.SectionName))
            .BuildServiceProvider();

        var store = Assert.IsType<PostgreSqlIdempotencyStore>(provider.GetRequiredService<IIdempotencyStore>());
        var now = DateTimeOffset.UtcNow;
        Assert.True((await store.TryBeginAsync(new BeginRequest("bound-key", "owner", now, now.AddHours(1), now.AddMinutes(5), null))).Acquired);

        Assert.Equal(1, await PostgreSqlDataSources.ScalarAsync(PostgreSqlDataSources.For(postgres.ConnectionString), $"SELECT count(*) FROM \"bound_schema\".\"{table}\""));
        Assert.Same(store, provider.GetRequiredService<PostgreSqlIdempotencyStore>());
    }

    [Fact]
    public async Task Given_a_data_source_in_the_container_and_no_connection_string_When_the_store_is_added_Then_it_uses_that_data_source_and_leaves_it_open()
    {
        var dataSource = PostgreSqlDataSources.For(postgres.ConnectionString);
        await using (var provider = new ServiceCollection()
            .AddSingleton(dataSource)
            .AddPostgreSqlIdempotencyStore(options => options.TableName = PostgreSqlDataSources.NewTableName("di"))
            .BuildServiceProvider())
        {
            var store = provider.GetRequiredService<PostgreSqlIdempotencyStore>();
            Assert.Same(dataSource, store.DataSource);
            Assert.Null(await store.GetAsync("absent"));
        }

        // Disposing the container disposed the store, which must leave the application's data source usable.
        Assert.Equal(1, await PostgreSqlDataSources.ScalarAsync(dataSource, "SELECT 1"));
    }

    [Fact]
    public async Task Given_another_store_registered_first_When_the_PostgreSQL_store_is_added_Then_it_replaces_it()
    {
        await using var provider = new ServiceCollection()
            .AddSingleton<IIdempotencyStore>(new InMemoryIdempotencyStore())
            .AddSingleton<NpgsqlDataSource>(PostgreSqlDataSources.For(postgres.ConnectionString))
            .AddPostgreSqlIdempotencyStore()
            .BuildServiceProvider();

        Assert.IsType<PostgreSqlIdempotencyStore>(Assert.Single(provider.GetServices<IIdempotencyStore>()));
    }
}
