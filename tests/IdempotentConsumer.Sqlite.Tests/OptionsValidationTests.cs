using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace IdempotentConsumer.Sqlite.Tests;

/// <summary>The SQLite store's options are checked whole, at host start and when the store is built by hand.</summary>
public sealed class OptionsValidationTests
{
    private static void MakeInvalid(SqliteIdempotencyStoreOptions o)
    {
        o.DataSource = null;
        o.TableName = "1; drop table x";
        o.MaxConnections = 0;
    }

    [Fact]
    public void Given_three_invalid_settings_When_the_host_starts_Then_all_three_are_reported_at_once()
    {
        var services = new ServiceCollection().AddSqliteIdempotencyStore(MakeInvalid);
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Equal(3, error.Failures.Count());
        Assert.Contains(error.Failures, f => f.Contains("DataSource", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("Table name", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("MaxConnections", StringComparison.Ordinal));
    }

    [Fact]
    public void Given_invalid_settings_When_the_store_is_built_by_hand_Then_one_configuration_error_names_them_all()
    {
        var options = new SqliteIdempotencyStoreOptions();
        MakeInvalid(options);

        var error = Assert.Throws<IdempotencyConfigurationException>(() => new SqliteIdempotencyStore(options));

        Assert.Contains("DataSource", error.Message, StringComparison.Ordinal);
        Assert.Contains("MaxConnections", error.Message, StringComparison.Ordinal);
    }
}
