using System.Security.Cryptography;
using System.Text;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Execution;
using IdempotentConsumer.Keys;
using IdempotentConsumer.Stores;
using IdempotentConsumer.Tests.Support;
using Moq;
using Xunit;

namespace IdempotentConsumer.Tests.Execution;

/// <summary>How the executor derives keys: sources, missing keys, falsy keys, prefix and hash algorithm.</summary>
public sealed class ExecutorKeyTests
{
    private static readonly Order AnyOrder = new("o-1", "u-1", 1m);

    [Fact]
    public async Task Given_no_key_in_the_payload_and_keys_required_When_executed_Then_it_throws_key_missing_without_any_store_call_or_handler_run()
    {
        var store = new Mock<IIdempotencyStore>(MockBehavior.Strict);
        var h = new ExecutorHarness(o => o.ThrowOnMissingKey = true, store.Object);

        await Assert.ThrowsAsync<IdempotencyKeyMissingException>(() => h.ExecuteAsync(AnyOrder with { OrderId = null! }).AsTask());

        Assert.Equal(0, h.HandlerCalls);
        store.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task Given_no_key_in_the_payload_and_keys_optional_When_executed_Then_the_handler_runs_unguarded_without_any_store_call()
    {
        var store = new Mock<IIdempotencyStore>(MockBehavior.Strict);
        var h = new ExecutorHarness(o => o.ThrowOnMissingKey = false, store.Object);

        var first = await h.ExecuteWithOutcomeAsync(AnyOrder with { OrderId = "" });
        var second = await h.ExecuteWithOutcomeAsync(AnyOrder with { OrderId = "" });

        Assert.Equal(IdempotencyOutcomeKind.Unguarded, first.Kind);
        Assert.Null(first.Key);
        Assert.Equal(IdempotencyOutcomeKind.Unguarded, second.Kind);
        Assert.Equal(2, h.HandlerCalls);
        store.VerifyNoOtherCalls();
    }

    [Theory]
    [InlineData("""{"id":0}""")]
    [InlineData("""{"id":false}""")]
    [InlineData("""{"id":0.0}""")]
    public async Task Given_a_falsy_but_present_key_When_executed_twice_Then_it_is_a_real_key_and_the_duplicate_replays(string json)
    {
        var h = new ExecutorHarness(o =>
        {
            o.KeySource = IdempotencyKeySource.FromJmesPath("id");
            o.ThrowOnMissingKey = true;
        });
        var calls = 0;

        var first = await h.Executor.ExecuteAsync(new IdempotencyInvocation<string>(json), 0, (_, _) => ValueTask.FromResult(++calls));
        var second = await h.Executor.ExecuteAsync(new IdempotencyInvocation<string>(json), 0, (_, _) => ValueTask.FromResult(++calls));

        Assert.Equal(IdempotencyOutcomeKind.Executed, first.Kind);
        Assert.Equal(IdempotencyOutcomeKind.Replayed, second.Kind);
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task Given_a_typed_selector_returning_zero_or_false_When_executed_Then_each_is_its_own_key_distinct_from_a_missing_key()
    {
        var h = new ExecutorHarness(o =>
        {
            o.KeySource = IdempotencyKeySource.From<(object? Id, int N)>(p => p.Id);
            o.ThrowOnMissingKey = true;
        });

        Assert.True(h.Executor.TryGetKey(new IdempotencyInvocation<(object?, int)>((0, 1)), out var zero));
        Assert.True(h.Executor.TryGetKey(new IdempotencyInvocation<(object?, int)>((false, 1)), out var no));
        Assert.False(h.Executor.TryGetKey(new IdempotencyInvocation<(object?, int)>((null, 1)), out _));
        Assert.NotEqual(zero, no);
        await Assert.ThrowsAsync<IdempotencyKeyMissingException>(() =>
            h.Executor.ExecuteAsync<(object?, int), int>((null, 1), (_, _) => ValueTask.FromResult(1)).AsTask());
    }

    [Fact]
    public void Given_a_custom_key_prefix_When_a_key_is_derived_Then_it_is_the_prefix_verbatim_a_hash_separator_and_the_sha256_hex_of_the_key()
    {
        var h = new ExecutorHarness(o => o.KeyPrefix = "Shipping.OrderConsumer v2");

        var key = h.KeyOf(AnyOrder);

        Assert.Equal("Shipping.OrderConsumer v2#" + Sha256Hex("o-1"), key);
    }

    [Fact]
    public void Given_md5_is_selected_When_a_key_is_derived_Then_the_hash_is_the_md5_hex_of_the_key_material()
    {
        var h = new ExecutorHarness(o => o.HashAlgorithm = IdempotencyHashAlgorithm.Md5);

        var key = h.KeyOf(AnyOrder);

        Assert.Equal("orders-consumer#" + Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes("o-1"))), key);
        Assert.Equal(16 + 32, key.Length);
    }

    [Fact]
    public async Task Given_the_same_json_with_fields_in_another_order_When_keyed_by_the_whole_payload_Then_both_get_the_same_key_and_the_second_replays()
    {
        var h = new ExecutorHarness(o => o.KeySource = IdempotencyKeySource.WholePayload);
        const string a = """{"orderId":"o-9","userId":"u-1","items":[{"sku":"A","qty":1}],"meta":{"x":1,"y":2}}""";
        const string b = """ { "meta" : { "y" : 2, "x" : 1 }, "items":[{"qty":1,"sku":"A"}], "userId":"u-1", "orderId":"o-9" } """;
        var calls = 0;

        var first = await h.Executor.ExecuteAsync(new IdempotencyInvocation<string>(a), 0, (_, _) => ValueTask.FromResult(++calls));
        var second = await h.Executor.ExecuteAsync(new IdempotencyInvocation<string>(b), 0, (_, _) => ValueTask.FromResult(++calls));

        Assert.Equal(first.Key, second.Key);
        Assert.Equal(IdempotencyOutcomeKind.Replayed, second.Kind);
        Assert.Equal(1, calls);
    }

    [Fact]
    public void Given_typed_payloads_with_equal_values_When_keyed_by_the_whole_payload_Then_the_key_matches_the_raw_json_of_the_same_object()
    {
        var h = new ExecutorHarness(o => o.KeySource = IdempotencyKeySource.WholePayload);

        Assert.True(h.Executor.TryGetKey(new IdempotencyInvocation<Order>(AnyOrder), out var typed));
        Assert.True(h.Executor.TryGetKey(new IdempotencyInvocation<Order>(AnyOrder) { RawJson = """{"amount":1,"userId":"u-1","orderId":"o-1"}""" }, out var raw));

        Assert.Equal(typed, raw);
    }

    [Fact]
    public async Task Given_a_jmespath_key_over_an_sqs_record_When_two_deliveries_carry_the_same_order_in_their_body_Then_the_body_field_selected_through_powertools_json_is_the_key()
    {
        var h = new ExecutorHarness(o => o.KeySource = IdempotencyKeySource.FromJmesPath("powertools_json(body).orderId"));
        const string first = """{"messageId":"m-1","body":"{\"orderId\":\"o-42\",\"userId\":\"u-1\"}"}""";
        const string redelivered = """{"messageId":"m-2","body":"{\"userId\":\"u-1\",\"orderId\":\"o-42\"}"}""";
        var calls = 0;

        var a = await h.Executor.ExecuteAsync(new IdempotencyInvocation<string>(first), 0, (_, _) => ValueTask.FromResult(++calls));
        var b = await h.Executor.ExecuteAsync(new IdempotencyInvocation<string>(redelivered), 0, (_, _) => ValueTask.FromResult(++calls));

        Assert.Equal("orders-consumer#" + Sha256Hex("o-42"), a.Key);
        Assert.Equal(IdempotencyOutcomeKind.Replayed, b.Kind);
        Assert.Equal(1, calls);
    }

    [Fact]
    public void Given_a_jmespath_key_and_a_typed_payload_When_keyed_Then_it_selects_from_the_payload_serialized_with_the_serializer_options()
    {
        var h = new ExecutorHarness(o => o.KeySource = IdempotencyKeySource.FromJmesPath("orderId"));

        Assert.Equal("orders-consumer#" + Sha256Hex("o-1"), h.KeyOf(AnyOrder));
    }

    [Fact]
    public void Given_a_jmespath_key_from_configuration_When_no_key_source_is_set_in_code_Then_the_expression_is_used()
    {
        var h = new ExecutorHarness(o =>
        {
            o.KeySource = null;
            o.KeyJmesPath = "[userId, orderId]";
        });

        Assert.Equal("orders-consumer#" + Sha256Hex("""["u-1","o-1"]"""), h.KeyOf(AnyOrder));
    }

    [Fact]
    public void Given_a_typed_selector_returning_a_composite_When_keyed_Then_the_composite_is_hashed_in_canonical_json()
    {
        var h = new ExecutorHarness(o => o.KeySource = IdempotencyKeySource.From<Order>(x => new { x.UserId, x.OrderId }));

        Assert.Equal("orders-consumer#" + Sha256Hex("""{"orderId":"o-1","userId":"u-1"}"""), h.KeyOf(AnyOrder));
    }

    [Fact]
    public async Task Given_a_key_with_a_lone_surrogate_When_executed_Then_it_throws_key_invalid_instead_of_colliding_with_other_keys()
    {
        var h = new ExecutorHarness();

        var error = await Assert.ThrowsAsync<IdempotencyKeyInvalidException>(() => h.ExecuteAsync(AnyOrder with { OrderId = "o-\ud800" }).AsTask());

        Assert.Equal(0, h.HandlerCalls);
        Assert.Equal(0, h.InMemory.Count);
        Assert.False(error.IsTransient);
    }

    [Theory]
    [InlineData("""{"id":"o-\ud800"}""")]
    [InlineData("""{"id":{"nested":"\udc00"}}""")]
    [InlineData("""{"body":"{\"id\":\"\\ud800\"}"}""")]
    public void Given_json_with_an_escaped_lone_surrogate_When_a_jmespath_key_is_derived_Then_it_throws_key_invalid(string json)
    {
        var expression = json.Contains("body", StringComparison.Ordinal) ? "powertools_json(body).id" : "id";
        var h = new ExecutorHarness(o => o.KeySource = IdempotencyKeySource.FromJmesPath(expression));

        Assert.Throws<IdempotencyKeyInvalidException>(() => h.Executor.TryGetKey(new IdempotencyInvocation<string>(json), out _));
    }

    [Fact]
    public void Given_json_with_an_escaped_lone_surrogate_When_keyed_by_the_whole_payload_Then_it_throws_key_invalid()
    {
        var h = new ExecutorHarness(o => o.KeySource = IdempotencyKeySource.WholePayload);

        Assert.Throws<IdempotencyKeyInvalidException>(() =>
            h.Executor.TryGetKey(new IdempotencyInvocation<string>("""{"id":"\ud800"}"""), out _));
    }

    [Fact]
    public void Given_a_properly_paired_escaped_surrogate_When_a_jmespath_key_is_derived_Then_it_is_accepted_and_equals_the_unescaped_text()
    {
        var h = new ExecutorHarness(o => o.KeySource = IdempotencyKeySource.FromJmesPath("id"));

        Assert.True(h.Executor.TryGetKey(new IdempotencyInvocation<string>("""{"id":"\ud83d\ude00"}"""), out var key));

        Assert.Equal("orders-consumer#" + Sha256Hex("😀"), key);
    }

    [Fact]
    public async Task Given_the_key_comes_from_the_adapter_When_executed_Then_the_key_material_is_used_instead_of_the_key_source()
    {
        var h = new ExecutorHarness();
        var calls = 0;

        var a = await h.Executor.ExecuteAsync(new IdempotencyInvocation<Order>(AnyOrder) { KeyMaterial = "dedup-1" }, 0, (_, _) => ValueTask.FromResult(++calls));
        var b = await h.Executor.ExecuteAsync(new IdempotencyInvocation<Order>(AnyOrder with { OrderId = "o-2" }) { KeyMaterial = "dedup-1" }, 0, (_, _) => ValueTask.FromResult(++calls));

        Assert.Equal("orders-consumer#" + Sha256Hex("dedup-1"), a.Key);
        Assert.Equal(IdempotencyOutcomeKind.Replayed, b.Kind);
        Assert.Equal(1, calls);
    }

    [Fact]
    public void Given_an_invalid_jmespath_expression_When_the_key_source_is_built_Then_it_throws_configuration()
    {
        Assert.Throws<IdempotencyConfigurationException>(() => IdempotencyKeySource.FromJmesPath("orders[?"));
    }

    [Fact]
    public void Given_an_empty_key_prefix_When_the_executor_is_built_Then_it_throws_configuration()
    {
        Assert.Throws<IdempotencyConfigurationException>(() => new ExecutorHarness(o => o.KeyPrefix = " "));
    }

    [Fact]
    public void Given_a_body_field_that_is_not_json_When_powertools_json_selects_from_it_Then_it_throws_message_deserialization()
    {
        var h = new ExecutorHarness(o => o.KeySource = IdempotencyKeySource.FromJmesPath("powertools_json(body).orderId"));

        Assert.Throws<MessageDeserializationException>(() =>
            h.Executor.TryGetKey(new IdempotencyInvocation<string>("""{"body":"not json"}"""), out _));
    }

    [Fact]
    public void Given_date_strings_with_different_offsets_When_selected_by_jmespath_Then_they_stay_distinct_keys_equal_to_their_text()
    {
        var h = new ExecutorHarness(o => o.KeySource = IdempotencyKeySource.FromJmesPath("at"));

        Assert.True(h.Executor.TryGetKey(new IdempotencyInvocation<string>("""{"at":"2024-01-01T00:00:00+02:00"}"""), out var plusTwo));
        Assert.True(h.Executor.TryGetKey(new IdempotencyInvocation<string>("""{"at":"2023-12-31T22:00:00Z"}"""), out var utc));

        Assert.NotEqual(plusTwo, utc);
        Assert.Equal("orders-consumer#" + Sha256Hex("2024-01-01T00:00:00+02:00"), plusTwo);
    }

    internal static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
