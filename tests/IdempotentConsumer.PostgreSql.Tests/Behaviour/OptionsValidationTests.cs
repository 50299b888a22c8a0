using IdempotentConsumer.Exceptions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace IdempotentConsumer.PostgreSql.Tests.Behaviour;

/// <summary>The PostgreSQL store's options are checked whole, at host start and when the store is built by hand.</summary>
public sealed class OptionsValidationTests
{
    private static void MakeInvalid(PostgreSqlIdempotencyStoreOptions options)
    {
        options.ConnectionString = "Port=5432;Username=app";
        options.SchemaName = "has\"quote";
        options.TableName = new string('t', 64);
    }

    [Fact]
    public void Given_three_invalid_settings_When_the_host_starts_Then_all_three_are_reported_at_once()
    {
        using var provider = new ServiceCollection().AddPostgreSqlIdempotencyStore(MakeInvalid).BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Equal(3, error.Failures.Count());
        Assert.Contains(error.Failures, f => f.Contains("Host", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("SchemaName", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("TableName", StringComparison.Ordinal));
    }

    [Fact]
    public void Given_invalid_settings_When_the_store_is_built_by_hand_Then_one_configuration_error_names_them_all()
    {
        var options = new PostgreSqlIdempotencyStoreOptions();
        MakeInvalid(options);

        var error = Assert.Throws<IdempotencyConfigurationException>(() => new PostgreSqlIdempotencyStore(options));

        Assert.Contains("SchemaName", error.Message, StringComparison.Ordinal);
        Assert.Contains("TableName", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_no_connection_string_When_the_store_is_built_with_its_own_data_source_Then_it_says_one_is_required()
    {
        var error = Assert.Throws<IdempotencyConfigurationException>(() => new PostgreSqlIdempotencyStore(new PostgreSqlIdempotencyStoreOptions()));

        Assert.Contains("ConnectionString", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_neither_a_connection_string_nor_a_data_source_When_the_store_is_resolved_Then_a_configuration_error_says_what_to_register()
    {
        using var provider = new ServiceCollection().AddPostgreSqlIdempotencyStore().BuildServiceProvider();

        var error = Assert.Throws<IdempotencyConfigurationException>(() => provider.GetRequiredService<PostgreSqlIdempotencyStore>());

        Assert.Contains("NpgsqlDataSource", error.Message, StringComparison.Ordinal);
    }
}
