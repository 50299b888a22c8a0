using Amazon.Lambda.SQSEvents;

namespace IdempotentConsumer.Lambda.LocalRunner.Invokers;

/// <summary>One batch to hand to the function.</summary>
/// <param name="Event">The event as objects (what an in-process function receives).</param>
/// <param name="EventJson">The same event in Lambda's JSON (what travels to a function process).</param>
/// <param name="Context">The invocation's context: request id, function timeout, logger.</param>
public sealed record SqsFunctionInvocation(SQSEvent Event, string EventJson, LocalLambdaContext Context);
