using IdempotentConsumer.Pipeline;
using Microsoft.Extensions.DependencyInjection;

namespace IdempotentConsumer.Tests.Support;

/// <summary>Helpers for pipeline tests: messages and an empty service provider.</summary>
internal static class PipelineHarness
{
    public static IServiceProvider NoServices { get; } = new ServiceCollection().BuildServiceProvider();

    public static IncomingMessage Message(string body, string? messageId = null, string? deduplicationId = null) => new()
    {
        MessageId = messageId ?? Guid.NewGuid().ToString("N"),
        Body = body,
        MessageDeduplicationId = deduplicationId,
    };

    public static IncomingMessage OrderMessage(string orderId, string? messageId = null) =>
        Message($$"""{"orderId":"{{orderId}}","userId":"u-1","amount":3}""", messageId);
}
