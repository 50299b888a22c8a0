using System.Text;
using System.Text.Json;
using IdempotentConsumer.Execution;
using IdempotentConsumer.Keys;
using IdempotentConsumer.Stores;
using Xunit;

namespace IdempotentConsumer.Tests.Keys;

/// <summary>
/// The one-pass canonicalizer for plain JSON must write exactly what the document path writes, and hand everything
/// outside its subset back to the document path rather than guess.
/// </summary>
public sealed class PlainJsonCanonicalizerTests
{
    private const int Cases = 3000;

    [Fact]
    public void Given_random_plain_json_When_canonicalized_in_one_pass_Then_the_text_equals_the_document_paths_and_most_take_the_pass()
    {
        var taken = 0;
        for (var seed = 0; seed < Cases; seed++)
        {
            var random = new RandomJson(seed, plain: true);
            var json = seed % 3 == 0 ? random.Any(maxDepth: 6) : random.Object(maxDepth: 6);
            if (AssertSameAsDocumentPath(json, seed) != PlainJsonCanonicalizer.Outcome.Unsupported)
            {
                taken++;
            }
        }

        // Repeated names and scalar roots go to the document path; the rest must not.
        Assert.True(taken > Cases / 2, $"only {taken} of {Cases} plain documents took the one-pass path");
    }

    [Fact]
    public void Given_random_json_with_escapes_non_ASCII_and_repeated_names_When_canonicalized_in_one_pass_Then_it_equals_the_document_path_or_declines()
    {
        for (var seed = 0; seed < Cases; seed++)
        {
            var random = new RandomJson(seed);
            AssertSameAsDocumentPath(seed % 3 == 0 ? random.Any() : random.Object(), seed);
        }
    }

    [Fact]
    public void Given_random_ascii_json_with_escapes_and_characters_the_writer_escapes_When_canonicalized_in_one_pass_Then_the_text_equals_the_document_paths()
    {
        var rewritten = 0;
        var withEscapes = 0;
        var declined = new List<string>();
        for (var seed = 0; seed < Cases; seed++)
        {
            var json = new RandomJson(seed, plain: true, escapes: true).Object(maxDepth: 5);
            var outcome = AssertSameAsDocumentPath(json, seed);
            if (json.Contains('\\', StringComparison.Ordinal))
            {
                withEscapes++;
                if (outcome != PlainJsonCanonicalizer.Outcome.Unsupported)
                {
                    rewritten++;
                }
                else if (declined.Count < 3)
                {
                    declined.Add(json);
                }
            }
        }

        // Wide random objects often repeat a name (the document path's case); a fifth of them is plenty of coverage.
        Assert.True(rewritten > withEscapes / 5, $"only {rewritten} of {withEscapes} documents with escapes took the one-pass path, e.g. {string.Join("\n", declined)}");
    }

    [Theory]
    [InlineData("""{"a":"O'Brien & Sons, +1 <x> `y`"}""", """{"a":"O\u0027Brien \u0026 Sons, \u002B1 \u003Cx\u003E \u0060y\u0060"}""")]
    [InlineData("""{"a":"line\nnext \"q\" \\ \/ \u0041\u002b \t\b\f\r \u0001"}""", """{"a":"line\nnext \u0022q\u0022 \\ / A\u002B \t\b\f\r \u0001"}""")]
    [InlineData("""{"b":"x\"y","a":"'"}""", """{"a":"\u0027","b":"x\u0022y"}""")]
    public void Given_value_strings_with_escapes_When_canonicalized_in_one_pass_Then_each_character_takes_the_writers_spelling(string json, string expected)
    {
        Assert.Equal(PlainJsonCanonicalizer.Outcome.Hashed, PlainJsonCanonicalizer.TryWrite(Encoding.UTF8.GetBytes(json), out var canonical));
        Assert.Equal(expected, canonical);
        AssertSameAsDocumentPath(json, 0);
    }

    [Fact]
    public void Given_random_plain_json_When_the_whole_payload_key_is_derived_Then_it_equals_the_hash_of_the_document_paths_canonical_text()
    {
        foreach (var algorithm in new[] { IdempotencyHashAlgorithm.Sha256, IdempotencyHashAlgorithm.Md5 })
        {
            var executor = new IdempotencyExecutor(
                new InMemoryIdempotencyStore(),
                new IdempotencyOptions { KeyPrefix = "p", KeySource = IdempotencyKeySource.WholePayload, HashAlgorithm = algorithm });
            for (var seed = 0; seed < Cases / 3; seed++)
            {
                var json = new RandomJson(seed, plain: true).Object(maxDepth: 5);
                var hasKey = executor.TryGetKey(new IdempotencyInvocation<string>(json), out var key);

                using var document = JsonDocument.Parse(json);
                var expectedHasKey = CanonicalJson.TryCanonicalizeWhole(document.RootElement, out var canonical);
                Assert.Equal(expectedHasKey, hasKey);
                if (expectedHasKey)
                {
                    Assert.Equal(IdempotencyHasher.HashWithPrefix("p#", canonical, algorithm), key);
                }
            }
        }
    }

    [Theory]
    [InlineData("""{"qty":2,"sku":"a","price":1.5}""", """{"price":1.5,"qty":2,"sku":"a"}""")]
    [InlineData(""" { "b" : [ { "y" : 1 , "x" : 2 } , [ ] , { } ] , "a" : null } """, """{"a":null,"b":[{"x":2,"y":1},[],{}]}""")]
    [InlineData("""{"n":[1.0,1e3,-0,0.0000001,12.500,100000000000000000000000]}""", """{"n":[1,1000,0,1e-7,12.5,1e+23]}""")]
    [InlineData("""{"B":1,"_":2,"a":3,"":4}""", """{"":4,"B":1,"_":2,"a":3}""")]
    [InlineData("""[true,false,null,"x"]""", """[true,false,null,"x"]""")]
    [InlineData("""{"b":{"y":1,"x":2},"a":0}""", """{"a":0,"b":{"x":2,"y":1}}""")]
    [InlineData("""{"b":1.0,"a":{"d":[1e2,{"f":0,"e":1}],"c":null}}""", """{"a":{"c":null,"d":[100,{"e":1,"f":0}]},"b":1}""")]
    [InlineData("""{"c":3,"b":2,"a":1} """, """{"a":1,"b":2,"c":3}""")]
    [InlineData("""{"c":3,"b":2 ,"a":1}""", """{"a":1,"b":2,"c":3}""")]
    public void Given_plain_json_When_canonicalized_in_one_pass_Then_members_are_sorted_numbers_rewritten_and_whitespace_dropped(string json, string expected)
    {
        Assert.Equal(PlainJsonCanonicalizer.Outcome.Hashed, PlainJsonCanonicalizer.TryWrite(Encoding.UTF8.GetBytes(json), out var canonical));
        Assert.Equal(expected, canonical);
        AssertSameAsDocumentPath(json, 0);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-0")]
    [InlineData("-0.5")]
    [InlineData("-0.0")]
    [InlineData("0.000001")]
    [InlineData("-0.000001")]
    [InlineData("0.0000001")]
    [InlineData("0.0000010")]
    [InlineData("10.010")]
    [InlineData("123456789012345678901")]
    [InlineData("1234567890123456789012")]
    [InlineData("-1234567890123456789012.5")]
    [InlineData("1E-2")]
    [InlineData("5e+0")]
    [InlineData("1e400")]
    public void Given_a_number_in_any_spelling_When_canonicalized_in_one_pass_Then_it_is_written_as_the_document_path_writes_it(string number)
    {
        Assert.Equal(PlainJsonCanonicalizer.Outcome.Hashed, AssertSameAsDocumentPath($$"""{"n":{{number}},"m":[{{number}}]}""", 0));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData(" [ ] ")]
    public void Given_an_empty_root_When_canonicalized_in_one_pass_Then_it_is_no_key(string json)
    {
        Assert.Equal(PlainJsonCanonicalizer.Outcome.Empty, PlainJsonCanonicalizer.TryWrite(Encoding.UTF8.GetBytes(json), out _));
    }

    [Theory]
    [InlineData("""{"a":"é"}""")]
    [InlineData("""{"a":"\u00e9"}""")]
    [InlineData("""{"a":"\ud83d\ude00"}""")]
    [InlineData("""{"a":"\x"}""")]
    [InlineData("""{"a":"\u00g1"}""")]
    [InlineData("""{"a":"\u004"}""")]
    [InlineData("{\"a\":\"tab\there\"}")]
    [InlineData("""{"<":1}""")]
    [InlineData("""{"a\nb":1}""")]
    [InlineData("""{"a":1,"b":2,"a":3}""")]
    [InlineData("""{"b":1,"a":2,"b":3}""")]
    [InlineData("\"text\"")]
    [InlineData("42")]
    [InlineData("{\"a\":01}")]
    [InlineData("{\"a\":1.}")]
    [InlineData("{\"a\":-}")]
    [InlineData("{\"a\":1e}")]
    [InlineData("[1,]")]
    [InlineData("{\"a\":1,}")]
    [InlineData("[tru]")]
    [InlineData("[truex]")]
    [InlineData("{\"a\" 1}")]
    [InlineData("{\"a\":1} x")]
    [InlineData("[1 2]")]
    [InlineData("{\"a\":1")]
    [InlineData("[\"a]")]
    [InlineData("\uFEFF{\"a\":1}")]
    public void Given_json_outside_the_plain_subset_or_invalid_When_canonicalized_in_one_pass_Then_it_declines_for_the_document_path(string json)
    {
        Assert.Equal(PlainJsonCanonicalizer.Outcome.Unsupported, PlainJsonCanonicalizer.TryWrite(Encoding.UTF8.GetBytes(json), out _));
    }

    [Fact]
    public void Given_nesting_deeper_than_the_pass_allows_When_canonicalized_Then_it_declines_and_the_document_path_still_keys_it()
    {
        var json = new string('[', 40) + "1" + new string(']', 40);

        Assert.Equal(PlainJsonCanonicalizer.Outcome.Unsupported, PlainJsonCanonicalizer.TryWrite(Encoding.UTF8.GetBytes(json), out _));
        var executor = new IdempotencyExecutor(new InMemoryIdempotencyStore(), new IdempotencyOptions { KeySource = IdempotencyKeySource.WholePayload });
        Assert.True(executor.TryGetKey(new IdempotencyInvocation<string>(json), out var key));
        Assert.NotEmpty(key);
    }

    [Fact]
    public void Given_an_invalid_json_container_When_the_whole_payload_key_is_derived_Then_the_document_path_decides_as_before()
    {
        // A string that only looks like JSON keys by its text, as it always did.
        var executor = new IdempotencyExecutor(new InMemoryIdempotencyStore(), new IdempotencyOptions { KeySource = IdempotencyKeySource.WholePayload });

        Assert.True(executor.TryGetKey(new IdempotencyInvocation<string>("{not json"), out var key));
        Assert.True(executor.TryGetKey(new IdempotencyInvocation<string>("{not json"), out var again));
        Assert.Equal(key, again);
        Assert.True(executor.TryGetKey(new IdempotencyInvocation<string>("{not json!"), out var other));
        Assert.NotEqual(key, other);
    }

    [Fact]
    public void Given_a_large_order_with_unsorted_line_items_When_canonicalized_in_one_pass_Then_it_takes_the_pass_and_equals_the_document_path()
    {
        var json = new StringBuilder("""{"userId":"user-42","orderId":"order-42","shipTo":{"zip":"10115","city":"Berlin"},"items":[""");
        for (var i = 0; i < 1500; i++)
        {
            json.Append(i == 0 ? "" : ",").Append($$"""{"sku":"sku-{{i:D5}}","qty":{{(i % 7) + 1}},"price":{{i % 100}}.5}""");
        }

        Assert.Equal(PlainJsonCanonicalizer.Outcome.Hashed, AssertSameAsDocumentPath(json.Append("]}").ToString(), 0));
    }

    private static PlainJsonCanonicalizer.Outcome AssertSameAsDocumentPath(string json, int seed)
    {
        var outcome = PlainJsonCanonicalizer.TryWrite(Encoding.UTF8.GetBytes(json), out var canonical);
        if (outcome == PlainJsonCanonicalizer.Outcome.Unsupported)
        {
            return outcome;
        }

        using var document = JsonDocument.Parse(json);
        var hasKey = CanonicalJson.TryCanonicalizeWhole(document.RootElement, out var expected);
        Assert.True(
            hasKey == (outcome == PlainJsonCanonicalizer.Outcome.Hashed) && (!hasKey || expected == canonical),
            $"seed {seed}: {json}\n document path {(hasKey ? expected : "no key")}\n one pass      {(outcome == PlainJsonCanonicalizer.Outcome.Hashed ? canonical : "no key")}");
        return outcome;
    }
}
