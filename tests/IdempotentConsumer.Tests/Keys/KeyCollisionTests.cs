using System.Text.Json;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Keys;
using IdempotentConsumer.Tests.Support;
using Xunit;

namespace IdempotentConsumer.Tests.Keys;

/// <summary>Different values never share key material; composite keys with nothing in them are missing keys.</summary>
public sealed class KeyCollisionTests
{
    private static readonly JsonSerializerOptions Web = JsonSerializerOptions.Web;

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"user":null,"orderId":null}""")]
    [InlineData("""{"user":{"uid":null},"orderId":""}""")]
    [InlineData("""{"user":{},"orderId":null,"other":"x"}""")]
    public void Given_a_composite_jmespath_whose_members_are_all_null_or_absent_When_keyed_Then_there_is_no_key(string json)
    {
        Assert.False(IdempotencyKeySource.FromJmesPath("[user.uid, orderId]").TryGetKeyMaterial(new IdempotencyPayload(null, json, Web), out _));
        Assert.False(IdempotencyKeySource.FromJmesPath("{u: user.uid, o: orderId}").TryGetKeyMaterial(new IdempotencyPayload(null, json, Web), out _));
    }

    [Fact]
    public void Given_a_composite_jmespath_with_one_member_present_When_keyed_Then_it_is_a_key_that_keeps_the_member_positions()
    {
        var source = IdempotencyKeySource.FromJmesPath("[user.uid, orderId]");

        Assert.True(source.TryGetKeyMaterial(new IdempotencyPayload(null, """{"orderId":"x"}""", Web), out var second));
        Assert.True(source.TryGetKeyMaterial(new IdempotencyPayload(null, """{"user":{"uid":"x"}}""", Web), out var first));

        Assert.Equal("""[null,"x"]""", second);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void Given_selectors_returning_anonymous_objects_tuples_or_arrays_of_nulls_When_keyed_Then_there_is_no_key()
    {
        var order = new Order(null!, null!, 1m);
        var payload = new IdempotencyPayload(order, null, Web);

        Assert.False(IdempotencyKeySource.From<Order>(o => new { o.UserId, o.OrderId }).TryGetKeyMaterial(payload, out _));
        Assert.False(IdempotencyKeySource.From<Order>(o => (o.UserId, o.OrderId)).TryGetKeyMaterial(payload, out _));
        Assert.False(IdempotencyKeySource.From<Order>(o => new[] { o.UserId, o.OrderId }).TryGetKeyMaterial(payload, out _));
        Assert.False(IdempotencyKeySource.From<Order>(o => new { User = new { Id = o.UserId } }).TryGetKeyMaterial(payload, out _));
    }

    [Fact]
    public void Given_a_tuple_selector_with_values_When_keyed_Then_each_tuple_is_its_own_key()
    {
        var source = IdempotencyKeySource.From<Order>(o => (o.UserId, o.OrderId));

        Assert.True(source.TryGetKeyMaterial(new IdempotencyPayload(new Order("o-1", "u-1", 1m), null, Web), out var first));
        Assert.True(source.TryGetKeyMaterial(new IdempotencyPayload(new Order("o-2", "u-1", 1m), null, Web), out var second));

        Assert.Equal("""["u-1","o-1"]""", first);
        Assert.NotEqual(first, second);
    }

    [Theory]
    [InlineData("\"1\"", "1")]
    [InlineData("\"true\"", "true")]
    [InlineData("\"false\"", "false")]
    [InlineData("\"-2.5e3\"", "-2500")]
    [InlineData("\"[1]\"", "[1]")]
    [InlineData("""["a"]""", "\"[\\\"a\\\"]\"")]
    [InlineData("""{"a":1}""", "\"{\\\"a\\\":1}\"")]
    public void Given_values_of_different_json_types_with_the_same_text_When_keyed_by_jmespath_Then_the_keys_differ(string one, string other)
    {
        var source = IdempotencyKeySource.FromJmesPath("id");

        Assert.True(source.TryCreateKey(new IdempotencyPayload(null, $$"""{"id":{{one}}}""", Web), "p#", IdempotencyHashAlgorithm.Sha256, out var first));
        Assert.True(source.TryCreateKey(new IdempotencyPayload(null, $$"""{"id":{{other}}}""", Web), "p#", IdempotencyHashAlgorithm.Sha256, out var second));

        Assert.NotEqual(first, second);
    }

    [Fact]
    public void Given_a_selector_returning_a_number_or_its_text_When_keyed_Then_the_keys_differ()
    {
        var payload = new IdempotencyPayload(new Order("1", "u", 1m), null, Web);

        Assert.True(IdempotencyKeySource.From<Order>(o => o.OrderId).TryGetKeyMaterial(payload, out var text));
        Assert.True(IdempotencyKeySource.From<Order>(o => 1).TryGetKeyMaterial(payload, out var number));

        Assert.NotEqual(text, number);
    }

    [Theory]
    [InlineData("o-1")]
    [InlineData("3f2a9c1e-6b7d-4e8f-9a0b-1c2d3e4f5a6b")]
    [InlineData("123e4567-e89b-12d3-a456-426614174000")]
    [InlineData("order 17")]
    public void Given_an_ordinary_string_id_When_keyed_by_jmespath_or_selector_Then_the_material_is_the_text_itself(string id)
    {
        var json = JsonSerializer.Serialize(new { orderId = id });

        Assert.True(IdempotencyKeySource.FromJmesPath("orderId").TryGetKeyMaterial(new IdempotencyPayload(null, json, Web), out var selected));
        Assert.True(IdempotencyKeySource.From<Order>(o => o.OrderId).TryGetKeyMaterial(new IdempotencyPayload(new Order(id, "u", 1m), null, Web), out var typed));

        Assert.Equal(id, selected);
        Assert.Equal(id, typed);
    }

    [Theory]
    [InlineData("1", "1.0")]
    [InlineData("1", "1e0")]
    [InlineData("1", "10E-1")]
    [InlineData("-0", "0")]
    [InlineData("1e400", "10e399")]
    [InlineData("123.45", "1.2345e2")]
    public void Given_numbers_with_the_same_decimal_value_When_keyed_Then_they_share_the_key(string one, string other)
    {
        Assert.Equal(JmesPathMaterial(one), JmesPathMaterial(other));
        Assert.Equal(WholePayloadMaterial(one), WholePayloadMaterial(other));
    }

    [Theory]
    [InlineData("0.1", "0.10000000000000001")]
    [InlineData("1e400", "1e401")]
    [InlineData("-1e400", "1e400")]
    [InlineData("9007199254740993", "9007199254740992")]
    [InlineData("1e-400", "0")]
    public void Given_numbers_with_different_decimal_values_When_keyed_Then_the_keys_differ_and_nothing_becomes_infinity(string one, string other)
    {
        Assert.NotEqual(JmesPathMaterial(one), JmesPathMaterial(other));
        Assert.NotEqual(WholePayloadMaterial(one), WholePayloadMaterial(other));
        Assert.DoesNotContain("Infinity", JmesPathMaterial(one), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("∞", JmesPathMaterial(one), StringComparison.Ordinal);
    }

    [Fact]
    public void Given_a_jmespath_naming_the_csharp_property_Id_of_a_typed_payload_When_keyed_Then_it_fails_as_a_configuration_error()
    {
        var source = IdempotencyKeySource.FromJmesPath("Id");

        var error = Assert.Throws<IdempotencyConfigurationException>(() =>
            source.TryGetKeyMaterial(new IdempotencyPayload(new Parcel("p-1"), null, Web), out _));

        Assert.Contains("'id'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("OrderId")]
    [InlineData("[UserId, orderId]")]
    [InlineData("[userId, OrderId]")]
    public void Given_a_jmespath_naming_a_csharp_property_over_a_typed_payload_When_keyed_Then_it_fails_as_a_configuration_error(string expression)
    {
        var source = IdempotencyKeySource.FromJmesPath(expression);

        Assert.Throws<IdempotencyConfigurationException>(() => source.TryGetKeyMaterial(new IdempotencyPayload(new Order("o-1", "u-1", 1m), null, Web), out _));
        Assert.Throws<IdempotencyConfigurationException>(() => source.TryGetKeyMaterial(new IdempotencyPayload(new Order("o-1", "u-1", 1m), """{"orderId":"o-1","userId":"u-1","id":7}""", Web), out _));
    }

    [Fact]
    public void Given_a_jmespath_using_the_json_names_over_a_typed_payload_When_keyed_Then_it_matches()
    {
        var source = IdempotencyKeySource.FromJmesPath("[userId, orderId]");

        Assert.True(source.TryGetKeyMaterial(new IdempotencyPayload(new Order("o-1", "u-1", 1m), null, Web), out var material));

        Assert.Equal("""["u-1","o-1"]""", material);
    }

    [Fact]
    public void Given_a_key_member_present_but_null_When_keyed_by_jmespath_or_selector_Then_it_is_a_missing_key()
    {
        Assert.False(IdempotencyKeySource.FromJmesPath("[orderId, userId]").TryGetKeyMaterial(
            new IdempotencyPayload(null, """{"orderId":null,"userId":null,"amount":1}""", Web), out _));
        Assert.False(IdempotencyKeySource.From<Order>(o => o.OrderId).TryGetKeyMaterial(new IdempotencyPayload(new Order(null!, "u", 1m), null, Web), out _));
    }

    private sealed record Parcel(string Id);

    private static string JmesPathMaterial(string number)
    {
        Assert.True(IdempotencyKeySource.FromJmesPath("[id]").TryGetKeyMaterial(new IdempotencyPayload(null, $$"""{"id":{{number}}}""", Web), out var material));
        return material;
    }

    private static string WholePayloadMaterial(string number)
    {
        Assert.True(IdempotencyKeySource.WholePayload.TryGetKeyMaterial(new IdempotencyPayload(null, $$"""{"id":{{number}}}""", Web), out var material));
        return material;
    }
}
