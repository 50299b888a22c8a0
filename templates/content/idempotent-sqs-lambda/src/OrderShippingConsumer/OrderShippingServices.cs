#if (UseDynamoDb)
using Amazon.DynamoDBv2;
using IdempotentConsumer.DynamoDB;
#endif
using Microsoft.Extensions.DependencyInjection;
using OrderShippingConsumer.Shipping;

namespace OrderShippingConsumer;

/// <summary>Everything the function needs, registered once per container (cold start).</summary>
public static class OrderShippingServices
{
    /// <summary>The consumer's stable name: every key starts with it. Never change it once deployed.</summary>
    public const string ConsumerName = "order-shipping";

    /// <summary>Registers the batch processor (key, idempotency settings, handler), the store and the carrier client.</summary>
    public static IServiceCollection AddOrderShipping(this IServiceCollection services)
    {
#if (UseDynamoDb)
        services.AddSingleton<IAmazonDynamoDB>(_ => new AmazonDynamoDBClient());
        services.AddDynamoDbIdempotencyStore(options =>
            options.TableName = Environment.GetEnvironmentVariable("IDEMPOTENCY_TABLE") ?? "idempotency");
#elif (UseSqlite)
        services.AddSqliteIdempotencyStore(
            Environment.GetEnvironmentVariable("IDEMPOTENCY_DB") ?? Path.Combine(Path.GetTempPath(), "idempotency.db"));
#else
        services.AddInMemoryIdempotencyStore();
#endif
        services.AddScoped<ShipOrderHandler>();
        services.AddSqsBatchProcessor<Order>(configure: null, processor => processor
            .WithKeyPrefix(ConsumerName)
            .WithKey(order => order.OrderId)
            .WithIdempotency(options =>
            {
                options.ThrowOnMissingKey = true;
                options.RecordExpiry = TimeSpan.FromDays(1);
            })
            .Handle<ShipOrderHandler>());
        services.AddHttpClient<IShippingApi, HttpShippingApi>(http =>
            http.BaseAddress = new Uri(Environment.GetEnvironmentVariable("SHIPPING_API_URL") ?? "https://shipping.example.com/"));
        return services;
    }
}
