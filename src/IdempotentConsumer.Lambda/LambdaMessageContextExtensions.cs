using Amazon.Lambda.Core;
using Amazon.Lambda.SQSEvents;
using IdempotentConsumer.Pipeline;

namespace IdempotentConsumer.Lambda;

/// <summary>Gives a handler (or middleware) the Lambda objects behind the message it is processing.</summary>
public static class LambdaMessageContextExtensions
{
    internal const string SqsRecordItem = "IdempotentConsumer.Lambda.SqsRecord";
    internal const string LambdaContextItem = "IdempotentConsumer.Lambda.LambdaContext";
    internal const string EnvelopeKeyItem = "IdempotentConsumer.Lambda.EnvelopeKey";

    /// <summary>The SQS record being processed, when the message came from <see cref="Sqs.SqsBatchProcessor{TMessage}"/>.</summary>
    public static SQSEvent.SQSMessage? GetSqsRecord<TMessage>(this MessageContext<TMessage> context) =>
        Get<TMessage, SQSEvent.SQSMessage>(context, SqsRecordItem);

    /// <summary>The invocation's Lambda context, when the message came from <see cref="Sqs.SqsBatchProcessor{TMessage}"/>.</summary>
    public static ILambdaContext? GetLambdaContext<TMessage>(this MessageContext<TMessage> context) =>
        Get<TMessage, ILambdaContext>(context, LambdaContextItem);

    private static TValue? Get<TMessage, TValue>(MessageContext<TMessage> context, string item)
        where TValue : class
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Items.TryGetValue(item, out var value) ? value as TValue : null;
    }
}
