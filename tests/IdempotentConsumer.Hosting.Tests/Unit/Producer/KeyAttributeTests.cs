using System.Text.Json;
using IdempotentConsumer.Dispositions;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Execution;
using IdempotentConsumer.Hosting.Tests.Support;
using IdempotentConsumer.Keys;
using IdempotentConsumer.Pipeline;
using IdempotentConsumer.Stores;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace IdempotentConsumer.Hosting.Tests.Unit.Producer;

/// <summary>
/// A consumer keyed by the producer's key attribute (<c>WithKeyFromAttribute</c>): the stamped hash is the key, without the
/// body; a missing attribute, or a forged one (not a hash, or with verification not the body's key), falls back to the
/// body key or fails as poison.
/// </summary>
public sealed class KeyAttributeTests
{
    private const string Attribute = IdempotencyKeyAttribute.DefaultName;

    private static readonly IServiceProvider Services = new ServiceCollection().BuildServiceProvider();

    private static string HashOf(string orderId) => IdempotencyHasher.Hash(orderId, IdempotencyHashAlgorithm.Sha256);

    private static string RecordKeyOf(string orderId) => $"{WorkerHosts.KeyPrefix}#{HashOf(orderId)}";

    private static IdempotencyExecutor Executor(KeyAttributeFallback fallback = KeyAttributeFallback.UseBodyKey, bool verify = false) =>
        new(new InMemoryIdempotencyStore(), new IdempotencyOptions
        {
            KeyPrefix = WorkerHosts.KeyPrefix,
            KeySource = IdempotencyKeySource.From<Order>(o => o.OrderId),
            KeyAttribute = Attribute,
            KeyAttributeFallback = fallback,
            VerifyKeyAttribute = verify,
        });

    private static IdempotencyInvocation<Order> Invocation(string bodyOrderId, string? stamped) => new(new Order(bodyOrderId, "u-1", "p-1"))
    {
        Attributes = stamped is null ? new Dictionary<string, string>() : new Dictionary<string, string> { [Attribute] = stamped },
    };

    private static IncomingMessage Incoming(string bodyOrderId, string? stamped) => new()
    {
        MessageId = Guid.NewGuid().ToString(),
        Body = JsonSerializer.Serialize(new Order(bodyOrderId, "u-1", "p-1"), JsonSerializerOptions.Web),
        Attributes = stamped is null ? new Dictionary<string, string>() : new Dictionary<string, string> { [Attribute] = stamped },
    };

    private static async Task<(MessageProcessingResult Result, int Runs)> ProcessAsync(IdempotencyExecutor executor, IncomingMessage incoming)
    {
        var runs = 0;
        var pipeline = new MessagePipelineBuilder<Order>().UseIdempotency(executor).Build((_, _, _) =>
        {
            runs++;
            return ValueTask.CompletedTask;
        });
        return (await pipeline.ProcessAsync(incoming, Services), runs);
    }

    [Fact]
    public void Given_a_stamped_key_When_keyed_Then_the_key_is_the_prefix_and_the_stamped_hash_whatever_the_body_says()
    {
        Assert.True(Executor().TryGetKey(Invocation("body-says-o-9", HashOf("o-1")), out var key));

        Assert.Equal(RecordKeyOf("o-1"), key);
    }

    [Fact]
    public void Given_no_attribute_and_the_body_key_fallback_When_keyed_Then_the_body_gives_the_same_key_the_producer_stamps()
    {
        Assert.True(Executor().TryGetKey(Invocation("o-1", stamped: null), out var key));

        Assert.Equal(RecordKeyOf("o-1"), key);
    }

    [Fact]
    public async Task Given_no_attribute_and_the_fail_fallback_When_processed_Then_the_message_is_poison_with_a_missing_key_error_and_the_handler_does_not_run()
    {
        var (result, runs) = await ProcessAsync(Executor(KeyAttributeFallback.Fail), Incoming("o-1", stamped: null));

        Assert.IsType<IdempotencyKeyMissingException>(result.Error);
        Assert.Equal(MessageDispositionKind.Poison, result.Disposition.Kind);
        Assert.Equal(0, runs);
    }

    [Theory]
    [InlineData("o-1")]
    [InlineData("ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789")]
    [InlineData("0123456789abcdef0123456789abcdef")]
    public void Given_an_attribute_that_is_not_a_sha256_hash_and_the_body_key_fallback_When_keyed_Then_it_counts_as_forged_and_the_body_key_is_used(string forged)
    {
        Assert.True(Executor().TryGetKey(Invocation("o-1", forged), out var key));

        Assert.Equal(RecordKeyOf("o-1"), key);
    }

    [Fact]
    public async Task Given_an_attribute_that_is_not_a_hash_and_the_fail_fallback_When_processed_Then_the_message_is_poison_with_an_invalid_key_error()
    {
        var (result, runs) = await ProcessAsync(Executor(KeyAttributeFallback.Fail), Incoming("o-1", "o-1"));

        Assert.IsType<IdempotencyKeyInvalidException>(result.Error);
        Assert.Equal(MessageDispositionKind.Poison, result.Disposition.Kind);
        Assert.Equal(0, runs);
    }

    [Fact]
    public void Given_verification_and_a_stamped_key_of_another_order_When_keyed_with_the_body_key_fallback_Then_it_is_forged_and_the_body_key_is_used()
    {
        Assert.True(Executor(verify: true).TryGetKey(Invocation("o-1", HashOf("o-2")), out var key));

        Assert.Equal(RecordKeyOf("o-1"), key);
    }

    [Fact]
    public async Task Given_verification_and_a_stamped_key_of_another_order_When_processed_with_the_fail_fallback_Then_the_message_is_poison()
    {
        var (result, runs) = await ProcessAsync(Executor(KeyAttributeFallback.Fail, verify: true), Incoming("o-1", HashOf("o-2")));

        Assert.IsType<IdempotencyKeyInvalidException>(result.Error);
        Assert.Contains("differs from the key of the body", result.Error!.Message, StringComparison.Ordinal);
        Assert.Equal(MessageDispositionKind.Poison, result.Disposition.Kind);
        Assert.Equal(0, runs);
    }

    [Fact]
    public async Task Given_verification_and_the_genuine_stamped_key_When_processed_twice_Then_it_runs_once_under_the_stamped_key()
    {
        var executor = Executor(KeyAttributeFallback.Fail, verify: true);

        var (first, firstRuns) = await ProcessAsync(executor, Incoming("o-1", HashOf("o-1")));
        var (second, secondRuns) = await ProcessAsync(executor, Incoming("o-1", HashOf("o-1")));

        Assert.Equal(RecordKeyOf("o-1"), first.IdempotencyKey);
        Assert.Equal(1, firstRuns + secondRuns);
        Assert.Equal(MessageDispositionKind.AcknowledgeReplay, second.Disposition.Kind);
    }

    [Fact]
    public void Given_a_key_taken_from_the_delivery_When_keyed_Then_it_wins_over_the_attribute()
    {
        var invocation = Invocation("o-1", HashOf("o-2")) with { };
        Assert.True(Executor().TryGetKey(new IdempotencyInvocation<Order>(invocation.Payload) { Attributes = invocation.Attributes, KeyMaterial = "dedup-1" }, out var key));

        Assert.Equal($"{WorkerHosts.KeyPrefix}#{HashOf("dedup-1")}", key);
    }

    [Fact]
    public void Given_the_key_attribute_settings_in_configuration_When_bound_Then_the_options_read_them()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["KeyAttribute"] = "order-key",
            ["KeyAttributeFallback"] = "Fail",
            ["VerifyKeyAttribute"] = "true",
        }).Build();

        var options = new IdempotencyOptions().Bind(configuration);

        Assert.Equal("order-key", options.KeyAttribute);
        Assert.Equal(KeyAttributeFallback.Fail, options.KeyAttributeFallback);
        Assert.True(options.VerifyKeyAttribute);
    }
}
