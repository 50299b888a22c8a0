using System.Text.Json;
using System.Text.Json.Serialization;
using IdempotentConsumer.Keys;
using IdempotentConsumer.Serialization;
using IdempotentConsumer.Tests.Support;
using Xunit;

namespace IdempotentConsumer.Tests.Serialization;

/// <summary>
/// Keys from typed payloads through a source-generated resolver (the Native AOT shape) equal the keys from
/// reflection-based serialization, so switching a consumer to AOT does not change its keys.
/// </summary>
public sealed class SourceGeneratedKeyTests
{
    private static readonly Order Payload = new("o-42", "u-7", 12.50m);

    // Only the payload type: string and decimal keys must come from the library's own metadata.
    private static JsonSerializerOptions SourceGenerated() =>
        new(JsonSerializerDefaults.Web) { TypeInfoResolver = OrderOnlyJsonContext.Default };

    public static TheoryData<string> KeySources() => ["whole payload", "selector: the payload", "selector: decimal", "selector: tuple", "selector: guid", "jmespath"];

    private static IdempotencyKeySource Source(string name) => name switch
    {
        "whole payload" => IdempotencyKeySource.WholePayload,
        "selector: the payload" => IdempotencyKeySource.From<Order>(o => o),
        "selector: decimal" => IdempotencyKeySource.From<Order>(o => o.Amount),
        "selector: tuple" => IdempotencyKeySource.From<Order>(o => (o.OrderId, o.Amount, (string?)null)),
        "selector: guid" => IdempotencyKeySource.From<Order>(_ => new Guid("0b3f9a52-52ef-4d47-9c11-8a1f0e6b2c33")),
        "jmespath" => IdempotencyKeySource.FromJmesPath("[userId, amount]"),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(KeySources))]
    public void Given_options_with_a_source_generated_context_When_a_typed_payload_is_keyed_Then_the_key_equals_the_reflection_key(string sourceName)
    {
        var source = Source(sourceName);

        Assert.True(source.TryCreateKey(new IdempotencyPayload(Payload, null, JsonSerializerOptions.Web), "p#", IdempotencyHashAlgorithm.Sha256, out var reflectionKey));
        Assert.True(source.TryCreateKey(new IdempotencyPayload(Payload, null, SourceGenerated()), "p#", IdempotencyHashAlgorithm.Sha256, out var generatedKey));
        Assert.True(source.TryGetKeyMaterial(new IdempotencyPayload(Payload, null, SourceGenerated()), out var generatedMaterial));

        Assert.Equal(reflectionKey, generatedKey);
        Assert.Equal("p#" + IdempotencyHasher.Hash(generatedMaterial, IdempotencyHashAlgorithm.Sha256), generatedKey);
    }

    [Fact]
    public void Given_a_source_generated_context_When_the_payload_json_is_read_Then_it_is_the_reflection_json()
    {
        var reflection = new IdempotencyPayload(Payload, null, JsonSerializerOptions.Web).GetJson();
        var generated = new IdempotencyPayload(Payload, null, SourceGenerated()).GetJson();

        Assert.Equal("""{"orderId":"o-42","userId":"u-7","amount":12.50}""", reflection);
        Assert.Equal(reflection, generated);
    }

    [Fact]
    public void Given_a_source_generated_context_without_the_payload_type_When_keyed_Then_it_fails_instead_of_falling_back_to_reflection()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { TypeInfoResolver = OrderOnlyJsonContext.Default };
        var payload = new IdempotencyPayload(new ShipmentReceipt("o-1", "s-1", 1), null, options);

        var error = Assert.Throws<NotSupportedException>(() => IdempotencyKeySource.WholePayload.TryGetKeyMaterial(payload, out _));

        Assert.Contains(nameof(ShipmentReceipt), error.Message);
    }

    [Fact]
    public void Given_mutable_options_with_a_source_generated_context_When_keyed_Then_they_are_locked_as_the_serializer_locks_them()
    {
        var options = SourceGenerated();

        Assert.True(IdempotencyKeySource.WholePayload.TryGetKeyMaterial(new IdempotencyPayload(Payload, null, options), out _));

        Assert.True(options.IsReadOnly);
    }

    [Fact]
    public void Given_reflection_based_serialization_is_enabled_When_the_library_defaults_are_read_Then_they_are_the_web_defaults()
    {
        Assert.True(JsonSerializer.IsReflectionEnabledByDefault);
        Assert.Same(JsonSerializerOptions.Web, IdempotencyJsonDefaults.Web);
        Assert.Same(IdempotencyJsonDefaults.Web, new IdempotencyOptions().SerializerOptions);
    }
}

/// <summary>Source-generated metadata for the order only, with the web defaults, as an AOT consumer writes it.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Order))]
internal sealed partial class OrderOnlyJsonContext : JsonSerializerContext;
