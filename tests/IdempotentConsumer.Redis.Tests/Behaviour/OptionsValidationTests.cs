using IdempotentConsumer.Exceptions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace IdempotentConsumer.Redis.Tests.Behaviour;

/// <summary>The Redis store's options are checked whole, at host start and when the store is built by hand.</summary>
public sealed class OptionsValidationTests
{
    private static void MakeInvalid(RedisIdempotencyStoreOptions options)
    {
        options.ConnectionString = "   ";
        options.KeyPrefix = string.Empty;
        options.Database = -2;
        options.ExpiryMargin = TimeSpan.FromDays(1);
    }

    [Fact]
    public void Given_four_invalid_settings_When_the_host_starts_Then_all_four_are_reported_at_once()
    {
        var services = new ServiceCollection().AddRedisIdempotencyStore(MakeInvalid);
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Equal(4, error.Failures.Count());
        Assert.Contains(error.Failures, f => f.Contains("ConnectionString", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("KeyPrefix", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("Database", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("ExpiryMargin", StringComparison.Ordinal));
    }

    [Fact]
    public void Given_invalid_settings_When_the_store_is_built_by_hand_Then_one_configuration_error_names_them_all()
    {
        var options = new RedisIdempotencyStoreOptions();
        MakeInvalid(options);

        var error = Assert.Throws<IdempotencyConfigurationException>(() => new RedisIdempotencyStore(options));

        Assert.Contains("KeyPrefix", error.Message, StringComparison.Ordinal);
        Assert.Contains("ExpiryMargin", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_no_connection_string_When_the_store_is_built_with_its_own_connection_Then_it_says_one_is_required()
    {
        var error = Assert.Throws<IdempotencyConfigurationException>(() => new RedisIdempotencyStore(new RedisIdempotencyStoreOptions()));

        Assert.Contains("ConnectionString", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_valid_defaults_with_a_connection_string_When_validated_Then_they_pass()
    {
        var result = new RedisIdempotencyStoreOptionsValidator().Validate(null, new RedisIdempotencyStoreOptions { ConnectionString = "localhost:6379" });

        Assert.True(result.Succeeded, result.FailureMessage);
    }
}
