using System.Text.Json;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Keys;
using Xunit;

namespace IdempotentConsumer.Tests.Keys;

/// <summary>The canonical JSON form that keys and validation hashes are computed over.</summary>
public sealed class CanonicalJsonTests
{
    [Fact]
    public void Given_objects_with_members_in_different_orders_at_every_depth_When_canonicalized_Then_the_texts_are_identical_and_sorted()
    {
        Assert.True(CanonicalJson.TryCanonicalize("""{"b":{"y":[{"q":1,"p":2}],"x":true},"a":null}""", out var first));
        Assert.True(CanonicalJson.TryCanonicalize("""{ "a" : null , "b" : { "x" : true , "y" : [ { "p" : 2 , "q" : 1 } ] } }""", out var second));

        Assert.Equal(first, second);
        Assert.Equal("""{"a":null,"b":{"x":true,"y":[{"p":2,"q":1}]}}""", first);
    }

    [Fact]
    public void Given_arrays_in_different_orders_When_canonicalized_Then_they_differ_because_array_order_is_meaningful()
    {
        CanonicalJson.TryCanonicalize("[1,2]", out var a);
        CanonicalJson.TryCanonicalize("[2,1]", out var b);

        Assert.NotEqual(a, b);
    }

    [Fact]
    public void Given_the_same_string_escaped_differently_When_canonicalized_Then_the_texts_are_identical()
    {
        CanonicalJson.TryCanonicalize("""{"k":"\u0041\/b"}""", out var escaped);
        CanonicalJson.TryCanonicalize("""{"k":"A/b"}""", out var plain);

        Assert.Equal(plain, escaped);
    }

    [Fact]
    public void Given_member_names_differing_only_in_case_When_canonicalized_Then_they_sort_by_ordinal_code_units()
    {
        CanonicalJson.TryCanonicalize("""{"b":1,"B":2,"a":3,"_":4}""", out var canonical);

        Assert.Equal("""{"B":2,"_":4,"a":3,"b":1}""", canonical);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("\"\"")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("  { }  ")]
    public void Given_an_empty_value_When_canonicalized_Then_it_is_no_key(string json)
    {
        Assert.False(CanonicalJson.TryCanonicalize(json, out var canonical));
        Assert.Equal(string.Empty, canonical);
    }

    [Theory]
    [InlineData("0", "0")]
    [InlineData("false", "false")]
    [InlineData("-1.5e3", "-1500")]
    [InlineData("\"o-1\"", "o-1")]
    [InlineData("[0]", "[0]")]
    public void Given_a_falsy_or_scalar_value_When_canonicalized_Then_it_is_a_key(string json, string expected)
    {
        Assert.True(CanonicalJson.TryCanonicalize(json, out var canonical));
        Assert.Equal(expected, canonical);
    }

    [Fact]
    public void Given_text_that_is_not_json_When_canonicalized_Then_it_throws_json_exception()
    {
        Assert.ThrowsAny<JsonException>(() => CanonicalJson.TryCanonicalize("{oops", out _));
    }

    [Theory]
    [InlineData("""{"a":"\ud800"}""")]
    [InlineData("""["\udfff"]""")]
    public void Given_json_with_an_escaped_lone_surrogate_When_canonicalized_Then_it_throws_key_invalid(string json)
    {
        Assert.Throws<IdempotencyKeyInvalidException>(() => CanonicalJson.TryCanonicalize(json, out _));
    }

    [Fact]
    public void Given_json_text_holding_a_raw_lone_surrogate_When_canonicalized_Then_it_throws_key_invalid()
    {
        // Built in code: xUnit would mangle a lone surrogate in inline theory data.
        var json = "\"x" + '\ud800' + "\"";

        Assert.Throws<IdempotencyKeyInvalidException>(() => CanonicalJson.TryCanonicalize(json, out _));
    }

    [Fact]
    public void Given_a_large_object_When_written_Then_every_member_survives_in_sorted_order()
    {
        var members = Enumerable.Range(0, 500).Reverse().Select(i => $"\"k{i:D4}\":{i}");
        CanonicalJson.TryCanonicalize("{" + string.Join(',', members) + "}", out var canonical);

        using var doc = JsonDocument.Parse(canonical);
        var names = doc.RootElement.EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal(500, names.Length);
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
    }

    [Theory]
    [InlineData("""{"zeta":1,"\u0061lpha":2,"beta":3}""")]
    [InlineData("""{"é":1,"e":2,"f":3,"\u00e9t\u00e9":4}""")]
    [InlineData("""{"\ud83d\ude00":1,"\uffff":2,"\ue000":3,"a":4}""")]
    [InlineData("""{"a<b":1,"a&b":2,"a\"b":3,"a\\b":4,"a/b":5}""")]
    [InlineData("""{"B":{"é":[{"y":1,"x":2}],"a":null},"A":true}""")]
    public void Given_names_with_escapes_non_ascii_and_surrogate_pairs_When_canonicalized_Then_the_output_equals_a_plain_string_sorted_reference(string json)
    {
        CanonicalJson.TryCanonicalize(json, out var canonical);

        using var doc = JsonDocument.Parse(json);
        Assert.Equal(Reference(doc.RootElement), canonical);
    }

    /// <summary>The canonical form spelled out the slow, obvious way: decoded names, ordinal string sort.</summary>
    private static string Reference(JsonElement root)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, root);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);

        static void Write(Utf8JsonWriter writer, JsonElement element)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    writer.WriteStartObject();
                    foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                    {
                        writer.WritePropertyName(property.Name);
                        Write(writer, property.Value);
                    }

                    writer.WriteEndObject();
                    break;
                case JsonValueKind.Array:
                    writer.WriteStartArray();
                    foreach (var item in element.EnumerateArray())
                    {
                        Write(writer, item);
                    }

                    writer.WriteEndArray();
                    break;
                default:
                    element.WriteTo(writer);
                    break;
            }
        }
    }
}
