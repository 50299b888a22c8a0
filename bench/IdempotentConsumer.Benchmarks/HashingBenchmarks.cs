using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using IdempotentConsumer.Execution;
using IdempotentConsumer.Keys;
using IdempotentConsumer.Stores;

namespace IdempotentConsumer.Benchmarks;

/// <summary>
/// Deriving the full key from a JSON payload of a given size: parse, canonicalize (members sorted), hash
/// with SHA-256 and prefix. Whole payload, and a JMESPath expression selecting the order id.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class HashingBenchmarks
{
    private IdempotencyExecutor _wholePayload = null!;
    private IdempotencyExecutor _jmesPath = null!;
    private string _json = null!;
    private byte[] _utf8 = null!;

    /// <summary>Approximate payload size in bytes.</summary>
    [Params(200, 4 * 1024, 64 * 1024)]
    public int PayloadBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _json = OrderJson(PayloadBytes);
        _utf8 = Encoding.UTF8.GetBytes(_json);
        _wholePayload = Executor(IdempotencyKeySource.WholePayload);
        _jmesPath = Executor(IdempotencyKeySource.FromJmesPath("orderId"));
        if (!_wholePayload.TryGetKey(new IdempotencyInvocation<string>(_json), out _) || !_jmesPath.TryGetKey(new IdempotencyInvocation<string>(_json), out _))
        {
            throw new InvalidOperationException("The benchmark payload has no key.");
        }
    }

    /// <summary>The floor: SHA-256 of the payload's UTF-8 bytes as they are, hex encoded, nothing parsed or sorted.</summary>
    [Benchmark(Baseline = true, Description = "raw SHA-256")]
    public string RawSha256() => Convert.ToHexStringLower(SHA256.HashData(_utf8));

    [Benchmark(Description = "whole payload")]
    public string WholePayload()
    {
        _wholePayload.TryGetKey(new IdempotencyInvocation<string>(_json), out var key);
        return key;
    }

    [Benchmark(Description = "JMESPath orderId")]
    public string JmesPath()
    {
        _jmesPath.TryGetKey(new IdempotencyInvocation<string>(_json), out var key);
        return key;
    }

    private static IdempotencyExecutor Executor(IdempotencyKeySource source) =>
        new(new InMemoryIdempotencyStore(), new IdempotencyOptions { KeyPrefix = "order-shipping", KeySource = source });

    /// <summary>An order with as many line items as it takes to reach about <paramref name="bytes"/> of JSON, fields deliberately unsorted.</summary>
    internal static string OrderJson(int bytes)
    {
        var json = new StringBuilder(bytes + 128);
        json.Append("""{"userId":"user-42","orderId":"order-00000042","shipTo":{"zip":"10115","city":"Berlin"},"items":[""");
        var i = 0;
        while (json.Length < bytes - 60)
        {
            json.Append(i == 0 ? "" : ",").Append($$"""{"sku":"sku-{{i:D5}}","qty":{{(i % 7) + 1}},"price":{{i % 100}}.5}""");
            i++;
        }

        return json.Append("]}").ToString();
    }
}
