using System.Text.Json;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Keys;
using IdempotentConsumer.Tests.Support;
using Xunit;

namespace IdempotentConsumer.Tests.Keys;

/// <summary>The built-in key sources, and that their fast key paths agree with their key material.</summary>
public sealed class KeySourceTests
{
    private static readonly JsonSerializerOptions Web = JsonSerializerOptions.Web;

    [Theory]
    [InlineData("""{"b":1,"a":[1,{"d":2,"c":3}]}""")]
    [InlineData("\"plain\"")]
    [InlineData("42")]
    [InlineData("""["x"]""")]
    public void Given_raw_json_When_the_whole_payload_is_hashed_directly_Then_it_equals_hashing_its_canonical_material(string json)
    {
        var payload = new IdempotencyPayload(null, json, Web);

        Assert.True(IdempotencyKeySource.WholePayload.TryGetKeyMaterial(payload, out var material));
        Assert.True(IdempotencyKeySource.WholePayload.TryCreateKey(payload, "p#", IdempotencyHashAlgorithm.Sha256, out var key));

        Assert.Equal("p#" + IdempotencyHasher.Hash(material, IdempotencyHashAlgorithm.Sha256), key);
    }

    [Fact]
    public void Given_a_plain_text_string_payload_When_keyed_by_the_whole_payload_Then_the_text_itself_is_the_material()
    {
        Assert.True(IdempotencyKeySource.WholePayload.TryGetKeyMaterial(new IdempotencyPayload("order 17 shipped", null, Web), out var material));

        Assert.Equal("order 17 shipped", material);
    }

    [Fact]
    public void Given_a_string_payload_that_starts_like_json_but_is_not_When_keyed_by_the_whole_payload_Then_the_text_itself_is_the_material()
    {
        var payload = new IdempotencyPayload("{not json", null, Web);

        Assert.True(IdempotencyKeySource.WholePayload.TryGetKeyMaterial(payload, out var material));
        Assert.True(IdempotencyKeySource.WholePayload.TryCreateKey(payload, "p#", IdempotencyHashAlgorithm.Sha256, out var key));

        Assert.Equal("{not json", material);
        Assert.Equal("p#" + IdempotencyHasher.Hash("{not json", IdempotencyHashAlgorithm.Sha256), key);
    }

    [Fact]
    public void Given_raw_json_that_is_not_json_When_keyed_by_the_whole_payload_Then_it_throws_message_deserialization()
    {
        Assert.Throws<MessageDeserializationException>(() =>
            IdempotencyKeySource.WholePayload.TryGetKeyMaterial(new IdempotencyPayload(null, "{oops", Web), out _));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Given_a_null_or_empty_payload_When_keyed_by_the_whole_payload_Then_there_is_no_key(string? value)
    {
        Assert.False(IdempotencyKeySource.WholePayload.TryCreateKey(new IdempotencyPayload(value, null, Web), "p#", IdempotencyHashAlgorithm.Sha256, out _));
    }

    [Fact]
    public void Given_a_selector_for_another_payload_type_When_keyed_Then_it_throws_configuration()
    {
        var source = IdempotencyKeySource.From<Order>(o => o.OrderId);

        Assert.Throws<IdempotencyConfigurationException>(() => source.TryGetKeyMaterial(new IdempotencyPayload("text", null, Web), out _));
    }

    [Theory]
    [InlineData("""{"orderId":null}""")]
    [InlineData("""{"other":1}""")]
    [InlineData("""{"orderId":""}""")]
    [InlineData("""{"orderId":[]}""")]
    [InlineData("""{"orderId":{}}""")]
    public void Given_the_selected_value_is_absent_or_empty_When_a_jmespath_key_is_derived_Then_there_is_no_key(string json)
    {
        Assert.False(IdempotencyKeySource.FromJmesPath("orderId").TryGetKeyMaterial(new IdempotencyPayload(null, json, Web), out _));
    }

    [Fact]
    public void Given_a_jmespath_selection_of_an_object_When_keyed_Then_the_material_is_its_canonical_json()
    {
        Assert.True(IdempotencyKeySource.FromJmesPath("order").TryGetKeyMaterial(
            new IdempotencyPayload(null, """{"order":{"z":1,"a":"x"}}""", Web), out var material));

        Assert.Equal("""{"a":"x","z":1}""", material);
    }

    [Fact]
    public void Given_json_with_trailing_garbage_When_a_jmespath_key_is_derived_Then_it_throws_message_deserialization()
    {
        Assert.Throws<MessageDeserializationException>(() =>
            IdempotencyKeySource.FromJmesPath("id").TryGetKeyMaterial(new IdempotencyPayload(null, """{"id":1} trailing""", Web), out _));
    }
}
