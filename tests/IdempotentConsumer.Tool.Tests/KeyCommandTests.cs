using System.Text.Json;
using IdempotentConsumer.Execution;
using IdempotentConsumer.Keys;
using Xunit;

namespace IdempotentConsumer.Tool.Tests;

/// <summary><c>idempotency key</c> prints the key the consumer itself stores, for each key configuration.</summary>
public sealed class KeyCommandTests : IDisposable
{
    private const string Body = """{"orderId":"A-1001","customer":{"id":7,"Name":"Ada"},"amount":12.5}""";

    private readonly TemporaryDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Theory]
    [InlineData("orderId", "sha256", "default")]
    [InlineData("customer", "sha256", "default")]
    [InlineData(null, "sha256", "default")]
    [InlineData("orderId", "md5", "powertools")]
    [InlineData("customer", "md5", "powertools")]
    public async Task Given_a_consumer_handled_a_message_When_key_runs_with_its_configuration_Then_show_finds_that_record(string? keyPath, string hash, string format)
    {
        var options = new IdempotencyOptions
        {
            KeyPrefix = "orders",
            KeyJmesPath = keyPath,
            HashAlgorithm = hash == "md5" ? IdempotencyHashAlgorithm.Md5 : IdempotencyHashAlgorithm.Sha256,
            KeyFormat = format == "powertools" ? IdempotencyKeyFormat.Powertools : IdempotencyKeyFormat.Default,
        };
        await new IdempotencyExecutor(_database.Store, options).ExecuteAsync<string, string>(Body, _ => "shipped");

        string[] keyArguments = ["key", "--prefix", "orders", "--hash", hash, "--key-format", format, "--body", Body];
        var key = await ToolProcess.RunAsync(keyPath is null ? keyArguments : [.. keyArguments, "--key-path", keyPath]);
        var show = await ToolProcess.RunAsync(["show", key.StandardOutput.Trim(), .. _database.StoreArguments, "--json"]);

        Assert.Equal(0, key.ExitCode);
        Assert.Equal(0, show.ExitCode);
        using var record = JsonDocument.Parse(show.StandardOutput);
        Assert.Equal("COMPLETED", record.RootElement.GetProperty("status").GetString());
        Assert.Equal("shipped", record.RootElement.GetProperty("response").GetString());
    }

    [Fact]
    public async Task Given_the_body_on_stdin_and_json_output_When_key_runs_Then_it_prints_the_key_as_json()
    {
        var result = await ToolProcess.RunWithInputAsync(Body, "key", "--prefix", "orders", "--key-path", "orderId", "--json");

        Assert.Equal(0, result.ExitCode);
        using var output = JsonDocument.Parse(result.StandardOutput);
        Assert.StartsWith("orders#", output.RootElement.GetProperty("key").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"orderId":"A-1""", "not valid JSON")]
    [InlineData("""{"order":"A-1"}""", "selects nothing")]
    public async Task Given_bad_input_When_key_runs_Then_it_explains_on_stderr_and_exits_2(string body, string expected)
    {
        var result = await ToolProcess.RunAsync("key", "--prefix", "orders", "--key-path", "orderId", "--body", body);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.StandardError, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.StandardOutput);
    }

    [Fact]
    public async Task Given_a_key_path_that_does_not_parse_When_key_runs_Then_it_exits_2_naming_the_expression()
    {
        var result = await ToolProcess.RunAsync("key", "--prefix", "orders", "--key-path", "orders[", "--body", Body);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("'orders['", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_no_prefix_or_an_unknown_option_When_key_runs_Then_it_exits_2()
    {
        var noPrefix = await ToolProcess.RunAsync("key", "--body", Body);
        var typo = await ToolProcess.RunAsync("key", "--prefix", "orders", "--key-pth", "orderId", "--body", Body);

        Assert.Equal((2, true), (noPrefix.ExitCode, noPrefix.StandardError.Contains("--prefix", StringComparison.Ordinal)));
        Assert.Equal((2, true), (typo.ExitCode, typo.StandardError.Contains("--key-pth", StringComparison.Ordinal)));
    }
}
