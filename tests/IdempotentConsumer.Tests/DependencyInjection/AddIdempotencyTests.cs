using IdempotentConsumer.Execution;
using IdempotentConsumer.Keys;
using IdempotentConsumer.Stores;
using IdempotentConsumer.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace IdempotentConsumer.Tests.DependencyInjection;

/// <summary>Registration with <c>AddIdempotency</c>.</summary>
public sealed class AddIdempotencyTests
{
    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    [Fact]
    public void Given_an_idempotency_section_in_configuration_When_added_Then_the_options_are_bound_from_it()
    {
        var configuration = Configuration(new()
        {
            ["Idempotency:KeyPrefix"] = "shipping-consumer",
            ["Idempotency:RecordExpiry"] = "00:10:00",
            ["Idempotency:InProgressLease"] = "00:00:45",
            ["Idempotency:UseLocalCache"] = "true",
            ["Idempotency:LocalCacheMaxItems"] = "64",
            ["Idempotency:KeyJmesPath"] = "powertools_json(body).orderId",
            ["Idempotency:PayloadValidationJmesPath"] = "amount",
            ["Idempotency:ThrowOnMissingKey"] = "true",
            ["Idempotency:HashAlgorithm"] = "Md5",
        });
        var services = new ServiceCollection();

        services.AddIdempotency(configuration.GetSection(IdempotencyOptions.SectionName));
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<IdempotencyOptions>>().Value;

        Assert.Equal("shipping-consumer", options.KeyPrefix);
        Assert.Equal(TimeSpan.FromMinutes(10), options.RecordExpiry);
        Assert.Equal(TimeSpan.FromSeconds(45), options.InProgressLease);
        Assert.True(options.UseLocalCache);
        Assert.Equal(64, options.LocalCacheMaxItems);
        Assert.Equal("powertools_json(body).orderId", options.KeyJmesPath);
        Assert.Equal("amount", options.PayloadValidationJmesPath);
        Assert.True(options.ThrowOnMissingKey);
        Assert.Equal(IdempotencyHashAlgorithm.Md5, options.HashAlgorithm);
    }

    [Fact]
    public async Task Given_bound_options_When_the_executor_is_resolved_Then_it_uses_them_with_the_in_memory_store_by_default()
    {
        var configuration = Configuration(new()
        {
            ["Idempotency:KeyPrefix"] = "shipping-consumer",
            ["Idempotency:RecordExpiry"] = "00:10:00",
            ["Idempotency:UseLocalCache"] = "true",
            ["Idempotency:KeyJmesPath"] = "orderId",
        });
        var time = new FakeTimeProvider();
        var services = new ServiceCollection().AddSingleton<TimeProvider>(time);

        services.AddIdempotency(configuration.GetSection("Idempotency")).AddInMemoryIdempotencyStore();
        await using var provider = services.BuildServiceProvider();
        var executor = provider.GetRequiredService<IdempotencyExecutor>();
        var store = Assert.IsType<InMemoryIdempotencyStore>(provider.GetRequiredService<IIdempotencyStore>());
        var outcome = await executor.ExecuteAsync(new IdempotencyInvocation<string>("""{"orderId":"o-1"}"""), 0, (_, _) => ValueTask.FromResult(1));

        Assert.Same(executor, provider.GetRequiredService<IdempotencyExecutor>());
        Assert.Same(store, executor.Store);
        Assert.Equal("shipping-consumer#" + Execution.ExecutorKeyTests.Sha256Hex("o-1"), outcome.Key);
        Assert.Equal(time.GetUtcNow() + TimeSpan.FromMinutes(10), (await store.GetAsync(outcome.Key!))!.ExpiresAt);
    }

    [Fact]
    public void Given_configuration_and_a_code_delegate_When_added_Then_the_delegate_runs_after_binding()
    {
        var configuration = Configuration(new() { ["KeyPrefix"] = "from-config", ["RecordExpiry"] = "00:10:00" });
        var services = new ServiceCollection();

        services.AddIdempotency(configuration, o => o.KeySource = IdempotencyKeySource.From<Order>(x => x.OrderId));
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<IdempotencyOptions>>().Value;

        Assert.Equal("from-config", options.KeyPrefix);
        Assert.NotNull(options.KeySource);
    }

    [Fact]
    public void Given_a_store_registered_after_add_idempotency_When_the_executor_is_resolved_Then_it_uses_that_store()
    {
        var custom = new InMemoryIdempotencyStore();
        var services = new ServiceCollection();

        services.AddIdempotency(o => o.KeyPrefix = "c");
        services.AddSingleton<IIdempotencyStore>(custom);
        using var provider = services.BuildServiceProvider();

        Assert.Same(custom, provider.GetRequiredService<IdempotencyExecutor>().Store);
    }

    [Fact]
    public void Given_a_store_registered_before_add_idempotency_When_the_executor_is_resolved_Then_it_uses_that_store()
    {
        var custom = new InMemoryIdempotencyStore();
        var services = new ServiceCollection().AddSingleton<IIdempotencyStore>(custom);

        services.AddIdempotency();
        using var provider = services.BuildServiceProvider();

        Assert.Same(custom, provider.GetRequiredService<IdempotencyExecutor>().Store);
        Assert.Single(services, d => d.ServiceType == typeof(IIdempotencyStore));
    }

    [Fact]
    public void Given_invalid_bound_options_When_the_executor_is_resolved_Then_every_error_is_reported_at_once()
    {
        var configuration = Configuration(new() { ["RecordExpiry"] = "-00:00:01", ["InProgressLease"] = "00:00:00", ["KeyPrefix"] = " " });
        var services = new ServiceCollection();

        services.AddIdempotency(configuration).AddInMemoryIdempotencyStore();
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IdempotencyExecutor>());
        Assert.Equal(3, error.Failures.Count());
        Assert.Contains(error.Failures, f => f.Contains("RecordExpiry", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("InProgressLease", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("KeyPrefix", StringComparison.Ordinal));
    }

    [Fact]
    public void Given_invalid_options_When_the_host_starts_Then_startup_validation_fails_before_any_message()
    {
        var services = new ServiceCollection();

        services.AddIdempotency(o => o.RecordExpiry = TimeSpan.Zero).AddInMemoryIdempotencyStore();
        using var provider = services.BuildServiceProvider();

        // ValidateOnStart registers the startup validator the generic host runs in StartAsync.
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains(error.Failures, f => f.Contains("RecordExpiry", StringComparison.Ordinal));
    }

    [Fact]
    public void Given_no_store_registered_When_the_executor_is_resolved_Then_it_fails_instead_of_using_memory_silently()
    {
        var services = new ServiceCollection();

        services.AddIdempotency(o => o.KeyPrefix = "c");
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<IdempotentConsumer.Exceptions.IdempotencyConfigurationException>(() => provider.GetRequiredService<IdempotencyExecutor>());
        Assert.Contains("AddInMemoryIdempotencyStore", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_every_configurable_option_in_configuration_When_added_Then_each_is_bound_and_only_code_members_are_left_out()
    {
        var defaults = new IdempotencyOptions();
        var values = new Dictionary<string, string?>();
        var expected = new Dictionary<string, object>();
        var codeOnly = new List<string>();
        foreach (var property in typeof(IdempotencyOptions).GetProperties().Where(p => p.CanWrite))
        {
            var current = property.GetValue(defaults);
            object? value = property.PropertyType switch
            {
                var t when t == typeof(string) => "from-config-" + property.Name,
                var t when t == typeof(TimeSpan) => (TimeSpan)current! + TimeSpan.FromMinutes(7),
                var t when t == typeof(bool) => !(bool)current!,
                var t when t == typeof(int) => (int)current! + 7,
                var t when t == typeof(IdempotencyHashAlgorithm) => IdempotencyHashAlgorithm.Md5,
                var t when t == typeof(KeyAttributeFallback) => KeyAttributeFallback.Fail,
                var t when t == typeof(Batching.BatchPrecheckMode) => Batching.BatchPrecheckMode.Always,
                var t when t == typeof(IdempotencyKeyFormat) => IdempotencyKeyFormat.Powertools,
                _ => null,
            };
            if (value is null)
            {
                codeOnly.Add(property.Name);
                continue;
            }

            values[property.Name] = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture);
            expected[property.Name] = value;
        }

        var services = new ServiceCollection();
        services.AddIdempotency(Configuration(values));
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<IdempotencyOptions>>().Value;

        Assert.Equal(["KeySource", "PayloadValidationSource", "ResponseHook", "SerializerOptions"], codeOnly.Order());
        Assert.All(expected, e => Assert.Equal(e.Value, typeof(IdempotencyOptions).GetProperty(e.Key)!.GetValue(options)));
        Assert.Equal(19, expected.Count);
    }

    [Fact]
    public void Given_configuration_without_a_key_When_added_Then_that_option_keeps_its_default()
    {
        var services = new ServiceCollection();
        services.AddIdempotency(Configuration(new() { ["KeyPrefix"] = "only-prefix" }));
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<IdempotencyOptions>>().Value;
        var defaults = new IdempotencyOptions();

        Assert.Equal("only-prefix", options.KeyPrefix);
        Assert.Equal(defaults.RecordExpiry, options.RecordExpiry);
        Assert.Equal(defaults.LocalCacheMaxItems, options.LocalCacheMaxItems);
        Assert.Equal(defaults.MaxInconsistentStateAttempts, options.MaxInconsistentStateAttempts);
        Assert.Null(options.KeyJmesPath);
    }
}
