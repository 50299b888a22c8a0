using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Amazon.SQS;
using IdempotentConsumer.DynamoDB;
using IdempotentConsumer.Hosting.DependencyInjection;
using Microsoft.Extensions.DependencyInjection;
using OrderShipping.Handling;
using OrderShipping.Orders;
using OrderShipping.Shipping;

namespace OrderShipping.Worker;

/// <summary>The worker's registrations, shared by Program.cs and the tests.</summary>
public static class OrderShippingWorker
{
    /// <summary>
    /// Registers the SQS client (<c>Aws:ServiceUrl</c> for an emulator), the store (<c>Idempotency:Store</c>:
    /// <c>sqlite</c>, the default, or <c>dynamodb</c>), the carrier (<c>Shipping:BaseUrl</c>) and the hosted
    /// consumer of <c>Consumers:Orders</c> with the order-shipping idempotency settings.
    /// </summary>
    public static IServiceCollection AddOrderShippingWorker(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var serviceUrl = configuration["Aws:ServiceUrl"];
        services.AddSingleton<IAmazonSQS>(_ => new AmazonSQSClient(ForEndpoint(new AmazonSQSConfig(), serviceUrl)));
        if (string.Equals(configuration["Idempotency:Store"], "dynamodb", StringComparison.OrdinalIgnoreCase))
        {
            services.AddSingleton<IAmazonDynamoDB>(_ => new AmazonDynamoDBClient(ForEndpoint(new AmazonDynamoDBConfig(), serviceUrl)));
            services.AddDynamoDbIdempotencyStore(configuration.GetSection("Idempotency:DynamoDB"));
        }
        else
        {
            services.AddSqliteIdempotencyStore(configuration.GetSection("Idempotency:Sqlite"));
        }

        services.AddSingleton<IShippingApi>(_ => new HttpShippingApi(new HttpClient
        {
            BaseAddress = new Uri(configuration["Shipping:BaseUrl"] ?? "https://shipping.example.com/"),
        }));
        services.AddSqsConsumer<Order>(configuration.GetSection("Consumers:Orders"), consumer => consumer
            .WithIdempotency(OrderShippingIdempotency.Configure)
            .Handle<ShipOrderHandler, ShipmentReceipt>());
        return services;
    }

    private static TConfig ForEndpoint<TConfig>(TConfig config, string? serviceUrl)
        where TConfig : ClientConfig
    {
        if (!string.IsNullOrEmpty(serviceUrl))
        {
            // An emulator (fauxqs, DynamoDB Local) checks no signature; fixed credentials keep the SDK from looking for real ones.
            config.ServiceURL = serviceUrl;
            config.AuthenticationRegion = "us-east-1";
            config.DefaultAWSCredentials = new BasicAWSCredentials("local", "local");
        }

        return config;
    }
}
