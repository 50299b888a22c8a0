using System.Text.Json;
using Amazon.SQS;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Execution;
using IdempotentConsumer.Hosting.DependencyInjection;
using IdempotentConsumer.Keys;
using IdempotentConsumer.Pipeline;
using IdempotentConsumer.Reliability.Tests.BadInput;
using IdempotentConsumer.Reliability.Tests.Support;
using IdempotentConsumer.Stores;
using IdempotentConsumer.TestInfrastructure;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit;
using Xunit.Abstractions;

namespace IdempotentConsumer.Reliability.Tests.Transport;

/// <summary>
/// Bad input through the hosted worker on fauxqs, on a SQLite store: every bad message fails with its typed
/// error (as the worker logs it), is retried, and ends in the dead-letter queue; every good order ships once.
/// </summary>
[Collection(EmulatorCollections.Fauxqs)]
public sealed class WorkerBadInputTests(FauxqsFixture fauxqs, ITestOutputHelper output) : IAsyncLifetime
{
    private const string KeyPrefix = "bad-input-worker";
    private readonly SqliteTestDatabase _database = ReliabilityStores.Sqlite();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task Given_bad_messages_among_good_orders_When_the_worker_consumes_the_queue_Then_each_bad_one_fails_typed_and_is_dead_lettered_and_every_good_order_ships_once()
    {
        // SQS refuses an empty body at send time, so that case cannot reach a worker.
        var cases = BadInputSuite.TypedOrderCaseList.Where(c => c.Body.Length > 0).ToList();
        var tampered = new Order("order-tampered", "u", "p");
        await TamperAsync(tampered);
        cases.Add(new BadInputCase("a tampered row with an unknown status", JsonSerializer.Serialize(tampered, JsonSerializerOptions.Web), typeof(IdempotencyCorruptRecordException)));

        using var admin = fauxqs.CreateSqsClient();
        var deadLetters = await FauxqsQueues.CreateAsync(admin, "bad-input-dlq", visibilitySeconds: 2);
        var queue = await FauxqsQueues.CreateAsync(admin, "bad-input", visibilitySeconds: 2, await FauxqsQueues.ArnAsync(admin, deadLetters), maxReceiveCount: 2);
        var goods = Enumerable.Range(0, 6).Select(i => JsonSerializer.Serialize(Order.Numbered(i), JsonSerializerOptions.Web)).ToList();
        var ids = await FauxqsQueues.SendAsync(admin, queue, [.. goods, .. cases.Select(c => c.Body)]);
        var badIds = ids.Skip(goods.Count).Zip(cases).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal);

        var shipping = new ShippingApi();
        var failures = new FailureLogCapture((_, _) => { });
        using var host = BuildWorker(queue, shipping, failures);
        await host.StartAsync();
        try
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (shipping.ShipmentsByOrder.Count < goods.Count || await FauxqsQueues.CountAsync(admin, queue) > 0 || await FauxqsQueues.CountAsync(admin, deadLetters) < cases.Count)
            {
                Assert.True(DateTime.UtcNow < deadline, $"Not drained: {shipping.ShipmentsByOrder.Count} shipped, {await FauxqsQueues.CountAsync(admin, queue)} queued, {await FauxqsQueues.CountAsync(admin, deadLetters)} dead-lettered.");
                await Task.Delay(200);
            }
        }
        finally
        {
            await host.StopAsync();
        }

        var failed = failures.Failures.ToList();
        foreach (var (id, bad) in badIds)
        {
            var errors = failed.Where(f => f.MessageId == id).Select(f => f.Error?.GetType()).ToList();
            output.WriteLine($"{bad.Name}: {errors.Count} failures, {string.Join(", ", errors.Select(e => e?.Name).Distinct())}");
            Assert.True(errors.Count >= 1, $"{bad.Name} never failed");
            Assert.All(errors, e => Assert.True(e == bad.ExpectedError, $"{bad.Name}: expected {bad.ExpectedError.Name}, got {e?.Name}"));
        }

        Assert.DoesNotContain(failed, f => !badIds.ContainsKey(f.MessageId));
        Assert.All(shipping.ShipmentsByOrder, o => Assert.Equal(1, o.Value));
        Assert.Equal(goods.Count, shipping.ShipmentsByOrder.Count);
        var dead = await FauxqsQueues.DrainAsync(admin, deadLetters);
        Assert.Equal(cases.Select(c => c.Body).Order(StringComparer.Ordinal), dead.Values.Order(StringComparer.Ordinal));
    }

    private IHost BuildWorker(string queue, ShippingApi shipping, FailureLogCapture failures)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.AddProvider(failures);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(3));
        builder.Services.AddSingleton<IAmazonSQS>(new AmazonSQSClient(AwsTestCredentials.Credentials, fauxqs.CreateSqsConfig()));
        builder.Services.AddSingleton(shipping);
        builder.Services.AddSingleton<IIdempotencyStore>(_database.Store);
        builder.Services
            .AddSqsConsumer<Order, ShipHandler>(o =>
            {
                o.QueueUrl = queue;
                o.MaxConcurrency = 4;
                o.VisibilityTimeout = TimeSpan.FromSeconds(2);
                o.WaitTimeSeconds = 1;
                o.Redelivery.InitialDelay = TimeSpan.FromSeconds(1);
                o.Redelivery.MaxDelay = TimeSpan.FromSeconds(1);
                o.HandBackTimeout = TimeSpan.FromSeconds(2);
                o.Idempotency.ThrowOnMissingKey = true;
            })
            .WithKey(o => o.OrderId)
            .WithKeyPrefix(KeyPrefix)
            .WithoutRetry();
        return builder.Build();
    }

    private async Task TamperAsync(Order order)
    {
        var keys = new IdempotencyExecutor(new InMemoryIdempotencyStore(), new IdempotencyOptions { KeyPrefix = KeyPrefix, KeySource = IdempotencyKeySource.From<Order>(o => o.OrderId) });
        Assert.True(keys.TryGetKey(new IdempotencyInvocation<Order>(order), out var key));
        await _database.Store.EnsureSchemaAsync();
        await using var connection = new SqliteConnection($"Data Source={_database.FilePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"INSERT INTO idempotency_records (\"key\", status, expiration, in_progress_expiration, validation, data, owner) VALUES ('{key}', 'SHIPPED', strftime('%s','now') + 3600, NULL, NULL, NULL, 'someone');";
        await command.ExecuteNonQueryAsync();
    }

    private sealed class ShipHandler(ShippingApi shipping) : IMessageHandler<Order>
    {
        public async ValueTask HandleAsync(Order message, MessageContext<Order> context, CancellationToken cancellationToken) =>
            await shipping.ShipAsync(message.OrderId, context.IdempotencyKey!, cancellationToken);
    }
}
