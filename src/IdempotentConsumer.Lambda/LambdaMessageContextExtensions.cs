using Amazon.Lambda.Core;
using Amazon.Lambda.SQSEvents;
using IdempotentConsumer.Lambda.Sqs;
using IdempotentConsumer.Pipeline;

namespace IdempotentConsumer.Lambda;

/// <summary>Gives a handler (or middleware) the Lambda objects behind the message it is processing.</summary>
public static class LambdaMessageContextExtensions
{
    /// <summary>The SQS record being processed, when the message came from <see cref="SqsBatchProcessor{TMessage}"/>.</summary>
    public static SQSEvent.SQSMessage? GetSqsRecord<TMessage>(this MessageContext<TMessage> context) => Transport(context)?.Record;

    /// <summary>The invocation's Lambda context, when the message came from <see cref="SqsBatchProcessor{TMessage}"/>.</summary>
    public static ILambdaContext? GetLambdaContext<TMessage>(this MessageContext<TMessage> context) => Transport(context)?.LambdaContext;

    private static LambdaSqsTransportMessage? Transport<TMessage>(MessageContext<TMessage> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Incoming.Transport as LambdaSqsTransportMessage;
    }
}
