using IdempotentConsumer.Lambda.Logging;
using IdempotentConsumer.Lambda.Tests.Support;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace IdempotentConsumer.Lambda.Tests.Logging;

public sealed class LambdaContextLoggerTests
{
    [Fact]
    public void Given_an_entry_with_an_exception_When_logged_Then_the_JSON_line_carries_type_message_and_the_whole_stack_trace()
    {
        var lambdaLogger = new CapturingLambdaLogger();
        var logger = new LambdaContextLogger(lambdaLogger, "orders", timeProvider: new FakeTimeProvider(DateTimeOffset.Parse("2026-01-02T03:04:05Z", System.Globalization.CultureInfo.InvariantCulture)));

        logger.LogError(ThrownWithInner(), "Order {OrderId} failed", "o-1");

        var entry = Assert.Single(lambdaLogger.Entries());
        Assert.Equal("Error", entry.GetProperty("level").GetString());
        Assert.Equal("o-1", entry.GetProperty("orderId").GetString());
        Assert.Equal(typeof(InvalidOperationException).FullName, entry.GetProperty("errorType").GetString());
        Assert.Equal("shipping failed", entry.GetProperty("errorMessage").GetString());
        var stackTrace = entry.GetProperty("stackTrace").GetString()!;
        Assert.Contains(nameof(ThrownWithInner), stackTrace, StringComparison.Ordinal);
        Assert.Contains(nameof(CallCarrier), stackTrace, StringComparison.Ordinal);
        Assert.Contains("carrier timed out", stackTrace, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_an_entry_without_an_exception_When_logged_Then_no_error_fields_are_written()
    {
        var lambdaLogger = new CapturingLambdaLogger();
        var logger = new LambdaContextLogger(lambdaLogger, "orders");

        logger.LogInformation("Order {OrderId} shipped", "o-1");

        var entry = Assert.Single(lambdaLogger.Entries());
        Assert.Equal("Order o-1 shipped", entry.GetProperty("message").GetString());
        Assert.False(entry.TryGetProperty("errorType", out _));
        Assert.False(entry.TryGetProperty("stackTrace", out _));
    }

    private static Exception ThrownWithInner()
    {
        try
        {
            try
            {
                CallCarrier();
            }
            catch (TimeoutException inner)
            {
                throw new InvalidOperationException("shipping failed", inner);
            }
        }
        catch (InvalidOperationException exception)
        {
            return exception;
        }

        throw new InvalidOperationException("unreachable");
    }

    private static void CallCarrier() => throw new TimeoutException("carrier timed out");
}
