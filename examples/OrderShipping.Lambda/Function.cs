using Amazon.DynamoDBv2;
using Amazon.Lambda.Core;
using Amazon.Lambda.SQSEvents;
using IdempotentConsumer.DynamoDB;
using IdempotentConsumer.Lambda.Sqs;
using IdempotentConsumer.Stores;
using OrderShipping.Handling;
using OrderShipping.Orders;
using OrderShipping.Shipping;

[assembly: LambdaSerializer(typeof(Amazon.Lambda.Serialization.SystemTextJson.DefaultLambdaJsonSerializer))]

namespace OrderShipping.Lambda;

/// <summary>
/// The SQS-triggered function (handler <c>OrderShipping.Lambda::OrderShipping.Lambda.Function::HandleAsync</c>):
/// each order ships once; records that fail, or find their order in progress elsewhere, are returned as
/// batch item failures so only they are redelivered (turn on ReportBatchItemFailures on the mapping).
/// </summary>
public sealed class Function
{
    private readonly SqsBatchProcessor<Order> _processor;

    /// <summary>
    /// Used by the Lambda runtime: records in the DynamoDB table <c>IDEMPOTENCY_TABLE</c>, the carrier at
    /// <c>SHIPPING_API_URL</c>. Clients and processor live as long as the execution environment.
    /// </summary>
    public Function()
        : this(
            new DynamoDbIdempotencyStore(
                new AmazonDynamoDBClient(),
                new DynamoDbIdempotencyStoreOptions { TableName = Environment.GetEnvironmentVariable("IDEMPOTENCY_TABLE") ?? "idempotency" }),
            new HttpShippingApi(new HttpClient
            {
                BaseAddress = new Uri(Environment.GetEnvironmentVariable("SHIPPING_API_URL") ?? "https://shipping.example.com/"),
            }))
    {
    }

    /// <summary>Used by tests and local runs: any store, any carrier.</summary>
    public Function(IIdempotencyStore store, IShippingApi shippingApi, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(shippingApi);
        _processor = SqsBatchProcessor.For<Order>(OrderShippingIdempotency.KeyPrefix)
            .WithStore(store)
            .WithIdempotency(options =>
            {
                OrderShippingIdempotency.Configure(options);

                // Stored receipts and key material through generated code: no reflection, so the executable can be AOT-compiled.
                options.SerializerOptions = ShippingJsonContext.Default.Options;
            })
            .WithTypeInfo(ShippingJsonContext.Default.Order)
            .WithTimeProvider(timeProvider ?? TimeProvider.System)
            .Handle<ShipmentReceipt>(new ShipOrderHandler(shippingApi));
    }

    /// <summary>Handles one batch of orders.</summary>
    public Task<SQSBatchResponse> HandleAsync(SQSEvent sqsEvent, ILambdaContext context) =>
        _processor.ProcessAsync(sqsEvent, context);
}
