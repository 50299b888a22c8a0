using IdempotentConsumer.Execution;
using IdempotentConsumer.Keys;
using IdempotentConsumer.Stores;
using Xunit;

namespace IdempotentConsumer.Tests.Keys;

/// <summary>
/// <see cref="IdempotencyKeyFormat.Powertools"/> against values printed by Node 20 and Powertools for AWS Lambda
/// (TypeScript) 2.35.0's own algorithm: <c>prefix#base64(hash(JSON.stringify(deepSort(search(path, body)))))</c>.
/// The end-to-end proof with the real peer is PowertoolsInteropTests in IdempotentConsumer.DynamoDB.Tests.
/// </summary>
public sealed class PowertoolsKeyFormatTests
{
    // Integer-like names, mixed case, a control character, a quote, a backslash and a non-ASCII letter.
    private const string Body = """{"order":{"9":2,"10":1,"region":"eu","id":"A-1","Customer":"c-17","Zone":"z","lines":[2,1.5,1e-7,"t\u0001\"\\é"]},"amount":12.5}""";

    [Theory]
    [InlineData(0d, "0")]
    [InlineData(-1.5, "-1.5")]
    [InlineData(100d, "100")]
    [InlineData(1e21, "1e+21")]
    [InlineData(1e20, "100000000000000000000")]
    [InlineData(123456789012345678901d, "123456789012345680000")]
    [InlineData(1e-7, "1e-7")]
    [InlineData(0.000001, "0.000001")]
    [InlineData(0.0000125, "0.0000125")]
    [InlineData(1.7976931348623157e308, "1.7976931348623157e+308")]
    [InlineData(5e-324, "5e-324")]
    [InlineData(0.1, "0.1")]
    public void Given_a_double_When_written_as_JavaScript_Then_it_matches_Number_toString(double value, string expected) =>
        Assert.Equal(expected, PowertoolsJson.JavaScriptNumber(value));

    [Theory]
    [InlineData("order", IdempotencyHashAlgorithm.Md5, "orders-fn#XLnPf1brjnzUIiSKoiXYZg==")]
    [InlineData("order", IdempotencyHashAlgorithm.Sha256, "orders-fn#Qm9k69KZPts7ckjwnJL+6T2/oOGQ48nD3byZwFXAFIU=")]
    [InlineData("order.id", IdempotencyHashAlgorithm.Md5, "orders-fn#NeQIO6EdfQYYTHLje2Qotw==")]
    [InlineData("amount", IdempotencyHashAlgorithm.Md5, "orders-fn#zz5IGkQUHKvU6dRs+7H4mQ==")]
    [InlineData("order.lines", IdempotencyHashAlgorithm.Md5, "orders-fn#6mu+lySqGQYOhzDeAvStfQ==")]
    public void Given_the_Powertools_key_format_When_a_key_is_derived_Then_it_equals_the_key_Powertools_computes(string keyPath, IdempotencyHashAlgorithm algorithm, string expected)
    {
        var executor = Executor(keyPath, algorithm);

        Assert.True(executor.TryGetKey(new IdempotencyInvocation<string>(Body) { RawJson = Body }, out var key));
        Assert.Equal(expected, key);
    }

    [Theory]
    [InlineData("""{"order":null}""")]
    [InlineData("""{"order":""}""")]
    [InlineData("""{"order":{}}""")]
    [InlineData("""{"other":1}""")]
    public void Given_the_Powertools_key_format_When_the_path_selects_nothing_Then_there_is_no_key(string body) =>
        Assert.False(Executor("order", IdempotencyHashAlgorithm.Md5).TryGetKey(new IdempotencyInvocation<string>(body), out _));

    private static IdempotencyExecutor Executor(string keyPath, IdempotencyHashAlgorithm algorithm) => new(
        new InMemoryIdempotencyStore(),
        new IdempotencyOptions { KeyPrefix = "orders-fn", KeyJmesPath = keyPath, HashAlgorithm = algorithm, KeyFormat = IdempotencyKeyFormat.Powertools });
}
