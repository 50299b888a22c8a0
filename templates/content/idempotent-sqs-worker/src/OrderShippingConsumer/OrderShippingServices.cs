using Amazon;
using Amazon.Runtime;
using Amazon.SQS;
#if (UseDynamoDb)
using Amazon.DynamoDBv2;
using IdempotentConsumer.DynamoDB;
#elif (UseSqlite)
#endif
using IdempotentConsumer;
using Microsoft.Extensions.DependencyInjection;
using IdempotentConsumer.Keys;
using OrderShippingConsumer.Shipping;

namespace OrderShippingConsumer;

/// <summary>The worker's registrations: the SQS client, the store, the consumer and the carrier client.</summary>
public static class OrderShippingServices
{
    /// <summary>The consumer's stable name: every key starts with it. Never change it once deployed.</summary>
    public const string ConsumerName = "order-shipping";

    /// <summary>The idempotency settings of the consumer: one shipment per order id, remembered for a day.</summary>
    public static void ConfigureIdempotency(IdempotencyOptions options)
    {
        options.KeyPrefix = ConsumerName;
        options.KeySource = IdempotencyKeySource.From<Order>(order => order.OrderId);
        options.ThrowOnMissingKey = true;
        options.RecordExpiry = TimeSpan.FromDays(1);
    }

    /// <summary>Registers everything the worker runs; settings come from <paramref name="configuration"/> (appsettings.json, environment).</summary>
    public static IServiceCollection AddOrderShipping(this IServiceCollection services, IConfiguration configuration)
    {
        // Aws:ServiceUrl points the clients at an emulator (fauxqs, DynamoDB Local); empty means AWS in Aws:Region
        // (or the region of the environment when that is empty too).
        var serviceUrl = configuration["Aws:ServiceUrl"];
        var region = configuration["Aws:Region"];
        services.AddSingleton<IAmazonSQS>(_ => new AmazonSQSClient(Configure(new AmazonSQSConfig(), serviceUrl, region)));
#if (UseDynamoDb)
        services.AddSingleton<IAmazonDynamoDB>(_ => new AmazonDynamoDBClient(Configure(new AmazonDynamoDBConfig(), serviceUrl, region)));
        services.AddDynamoDbIdempotencyStore(configuration.GetSection("Idempotency:DynamoDB"));
#elif (UseSqlite)
        services.AddSqliteIdempotencyStore(configuration.GetSection("Idempotency:Sqlite"));
#elif (UseRedis)
        services.AddRedisIdempotencyStore(configuration.GetSection("Idempotency:Redis"));
#elif (UsePostgres)
        services.AddPostgreSqlIdempotencyStore(configuration.GetSection("Idempotency:PostgreSql"));
#else
        services.AddInMemoryIdempotencyStore();
#endif
        services.AddSqsConsumer<Order>(configuration.GetSection("Consumers:Orders"), consumer => consumer
            .WithIdempotency(ConfigureIdempotency)
            .Handle<ShipOrderHandler>());
        services.AddHttpClient<IShippingApi, HttpShippingApi>(http =>
            http.BaseAddress = new Uri(configuration["Shipping:BaseUrl"] ?? "https://shipping.example.com/"));
        return services;
    }

    private static TConfig Configure<TConfig>(TConfig config, string? serviceUrl, string? region)
        where TConfig : ClientConfig
    {
        if (!string.IsNullOrEmpty(serviceUrl))
        {
            config.ServiceURL = serviceUrl;
            config.AuthenticationRegion = string.IsNullOrEmpty(region) ? "us-east-1" : region;

            // Emulators check no signature; fixed credentials keep the SDK from looking for real ones.
            config.DefaultAWSCredentials = new BasicAWSCredentials("local", "local");
        }
        else if (!string.IsNullOrEmpty(region))
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }

        return config;
    }
}
