using Amazon.Lambda.Core;
using Amazon.Lambda.SQSEvents;
using IdempotentConsumer.Lambda.Sqs;
using Microsoft.Extensions.DependencyInjection;

[assembly: LambdaSerializer(typeof(Amazon.Lambda.Serialization.SystemTextJson.DefaultLambdaJsonSerializer))]

namespace OrderShippingConsumer;

/// <summary>
/// The Lambda entry point (handler <c>OrderShippingConsumer::OrderShippingConsumer.Function::HandleAsync</c>).
/// Enable <c>ReportBatchItemFailures</c> on the SQS event source mapping: only the failed orders come back.
/// </summary>
public sealed class Function
{
    private readonly SqsBatchProcessor<Order> _processor;

    /// <summary>Used by the Lambda runtime.</summary>
    public Function()
        : this(configureServices: null)
    {
    }

    /// <summary>Used by tests: <paramref name="configureServices"/> runs after the function's own registrations, to replace some.</summary>
    public Function(Action<IServiceCollection>? configureServices)
    {
        var services = new ServiceCollection().AddOrderShipping();
        configureServices?.Invoke(services);
        Services = services.BuildServiceProvider();
        _processor = Services.GetRequiredService<SqsBatchProcessor<Order>>();
    }

    /// <summary>The function's services.</summary>
    public IServiceProvider Services { get; }

    /// <summary>Handles one SQS batch; the response lists the records to redeliver.</summary>
    public Task<SQSBatchResponse> HandleAsync(SQSEvent sqsEvent, ILambdaContext context) =>
        _processor.ProcessAsync(sqsEvent, context);
}
