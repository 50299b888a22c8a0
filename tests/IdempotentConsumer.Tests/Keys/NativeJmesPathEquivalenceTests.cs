using System.Text;
using System.Text.Json;
using IdempotentConsumer.Execution;
using IdempotentConsumer.Keys;
using IdempotentConsumer.Stores;
using Xunit;

namespace IdempotentConsumer.Tests.Keys;

/// <summary>
/// The native JMESPath subset gives byte-identical keys (and the same "no key" answers and exception types) to
/// JmesPath.Net, which it replaces for the common forms, over seeded random JSON and the edge cases that matter:
/// repeated names, escapes, every spelling of a number, null and missing fields, empty containers.
/// </summary>
public sealed class NativeJmesPathEquivalenceTests
{
    private const int Cases = 400;
    private static readonly JsonSerializerOptions Web = JsonSerializerOptions.Web;
    private static readonly IdempotencyHashAlgorithm[] Algorithms = [IdempotencyHashAlgorithm.Sha256, IdempotencyHashAlgorithm.Md5];

    /// <summary>Each native form, on the names <see cref="RandomJson"/> uses.</summary>
    public static TheoryData<string> NativeExpressions =>
    [
        "a", "a.b", "a.b.c", "id", "_x", "a[0]", "a[1].b", "[a, b]", "[a, id]", "{x: a, y: b.c}",
        "{id: id, z: a[0]}", "powertools_json(s)", "powertools_json(s).a", "powertools_json(a.s).b", "[powertools_json(s).a, b]",
    ];

    [Theory]
    [MemberData(nameof(NativeExpressions))]
    public void Given_random_json_When_a_native_JMESPath_form_selects_the_key_Then_the_material_equals_JmesPath_Nets(string expression)
    {
        var source = new JmesPathKeySource(expression);
        var native = NativeJmesPath.TryCompile(expression);
        Assert.NotNull(native);
        var answered = 0;
        for (var seed = 0; seed < Cases; seed++)
        {
            var json = new RandomJson(seed).Shaped();
            var payload = new IdempotencyPayload(json, null, Web);

            Assert.True(
                Outcome(() => (source.TryGetKeyMaterial(payload, out var m), m)) == Outcome(() => (source.TryGetKeyMaterialWithJmesPathNet(payload, out var m), m)),
                $"seed {seed}: {json}");
            answered += native.TryGetKeyMaterial(json, out _, out _) ? 1 : 0;
        }

        // The property is only worth something if the native path answered a fair share of the cases itself.
        Assert.True(answered >= Cases / 100, $"The native path answered {answered} of {Cases} cases.");
    }

    [Theory]
    [InlineData("a", """{"a":"x","a":"order-1"}""")]
    [InlineData("a", """{"a":"\u0041é😀\"\\"}""")]
    [InlineData("a", """{"a":"1"}""")]
    [InlineData("a", """{"a":""}""")]
    [InlineData("a", """{"a":1.0}""")]
    [InlineData("a", """{"a":-0}""")]
    [InlineData("a", """{"a":1e400}""")]
    [InlineData("a", """{"a":123456789012345678901234567890}""")]
    [InlineData("a", """{"a":true}""")]
    [InlineData("a", """{"a":null}""")]
    [InlineData("a", """{"A":"x"}""")]
    [InlineData("a", """{"a":{"b":1}}""")]
    [InlineData("a", """{"a":"\ud800"}""")]
    [InlineData("a", """{"a":1""")]
    [InlineData("a", """{"a":1} 2""")]
    [InlineData("a[0]", """{"a":[]}""")]
    [InlineData("a[2]", """{"a":[1,2,"three"]}""")]
    [InlineData("a.b[0][0]", """{"a":{"b":[["x",1]]}}""")]
    [InlineData("a.b[0][1]", """{"a":{"b":[["x",1.50]]}}""")]
    [InlineData("[a.b, c[0], id]", """{"id":true,"c":[-0,"y"],"a":{"b":"x"}}""")]
    [InlineData("{id: id, z: a[0]}", """{"id":"\u00e9","a":[1e3]}""")]
    [InlineData("[a, b]", """{"a":"","b":""}""")]
    [InlineData("[a, b]", """{"a":"x\n","b":"<y>"}""")]
    [InlineData("{y: a, x: b}", """{"a":"é","b":2.50}""")]
    [InlineData("powertools_json(s).a", """{"s":"{\"a\":\"order-1\",\"a\":\"order-2\"}"}""")]
    [InlineData("powertools_json(s).a", """{"s":"not json"}""")]
    [InlineData("powertools_json(s)", """{"s":"\"quoted\""}""")]
    [InlineData("powertools_json(s)", """{"s":7}""")]
    public void Given_an_edge_case_When_a_native_JMESPath_form_selects_the_key_Then_the_material_equals_JmesPath_Nets(string expression, string json)
    {
        var source = new JmesPathKeySource(expression);
        var payload = new IdempotencyPayload(json, null, Web);

        Assert.Equal(
            Outcome(() => (source.TryGetKeyMaterialWithJmesPathNet(payload, out var m), m)),
            Outcome(() => (source.TryGetKeyMaterial(payload, out var m), m)));
    }

    [Fact]
    public void Given_random_json_When_keys_are_derived_in_every_key_format_Then_they_equal_the_reference_derivation()
    {
        string[] expressions = ["a", "a.b", "[a, b]", "{x: a, y: b}", "powertools_json(s).a"];
        foreach (var format in Enum.GetValues<IdempotencyKeyFormat>())
        {
            foreach (var algorithm in Algorithms)
            {
                for (var seed = 0; seed < Cases / 4; seed++)
                {
                    var json = seed % 2 == 0 ? new RandomJson(seed).Shaped() : new RandomJson(seed).Object(maxDepth: 3);
                    AssertKeyEqualsReference(null, json, format, algorithm, seed);
                    foreach (var expression in expressions)
                    {
                        AssertKeyEqualsReference(expression, json, format, algorithm, seed);
                    }
                }
            }
        }
    }

    private static void AssertKeyEqualsReference(string? expression, string json, IdempotencyKeyFormat format, IdempotencyHashAlgorithm algorithm, int seed)
    {
        var source = expression is null ? IdempotencyKeySource.WholePayload : new JmesPathKeySource(expression);
        var executor = new IdempotencyExecutor(
            new InMemoryIdempotencyStore(),
            new IdempotencyOptions { KeyPrefix = "p", KeySource = source, KeyFormat = format, HashAlgorithm = algorithm });
        var payload = new IdempotencyPayload(json, null, Web);

        var actual = Outcome(() => (executor.TryGetKey(new IdempotencyInvocation<string>(json), out var key), key));
        var expected = Outcome(() => ReferenceKey(source, payload, format, algorithm));

        Assert.True(expected == actual, $"{format} {algorithm} '{expression ?? "whole payload"}' seed {seed}: {json}\n expected {expected}\n actual   {actual}");
    }

    /// <summary>The key as derived before the native subset: JmesPath.Net (the whole payload as it always was).</summary>
    private static (bool, string) ReferenceKey(IdempotencyKeySource source, IdempotencyPayload payload, IdempotencyKeyFormat format, IdempotencyHashAlgorithm algorithm)
    {
        if (format == IdempotencyKeyFormat.Powertools)
        {
            var selected = source.Select(payload);
            return PowertoolsJson.IsMissing(selected)
                ? (false, string.Empty)
                : (true, IdempotencyHasher.HashBase64WithPrefix("p#", PowertoolsJson.Stringify(selected!), algorithm));
        }

        if (source is JmesPathKeySource jmesPath)
        {
            return jmesPath.TryGetKeyMaterialWithJmesPathNet(payload, out var material)
                ? (true, IdempotencyHasher.HashWithPrefix("p#", material, algorithm))
                : (false, string.Empty);
        }

        return (source.TryCreateKey(payload, "p#", algorithm, out var key), key);
    }

    private static string Outcome(Func<(bool HasKey, string Text)> derive)
    {
        try
        {
            var (hasKey, text) = derive();
            return hasKey ? $"key {text}" : $"no key '{text}'";
        }
        catch (Exception ex)
        {
            return $"throws {ex.GetType().Name}";
        }
    }
}
