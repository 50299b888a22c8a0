using System.Text.Json;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Execution;
using IdempotentConsumer.Keys;
using IdempotentConsumer.Pipeline;
using IdempotentConsumer.PostgreSql.Inbox;
using IdempotentConsumer.PostgreSql.Tests.Support;
using IdempotentConsumer.Records;
using IdempotentConsumer.Stores;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace IdempotentConsumer.PostgreSql.Tests.Inbox;

/// <summary>The transactional inbox: the handler's writes and the COMPLETED record commit together or not at all.</summary>
[Collection(EmulatorCollections.PostgreSql)]
public sealed class PostgreSqlInboxTests(PostgreSqlServerFixture postgres)
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Given_a_handler_that_writes_a_row_When_it_succeeds_Then_the_row_and_the_completed_record_commit_together_and_a_duplicate_does_not_run_it_again()
    {
        var tables = await InboxTables.CreateAsync(postgres.ConnectionString);
        var order = new ShipOrder($"order-{Guid.NewGuid():N}", 3);
        var runs = 0;
        (long RowsSeenOutside, IdempotencyStatusSeen Record)? duringHandler = null;
        var pipeline = Pipeline(tables.Store, tables.Store, async (message, context, ct) =>
        {
            runs++;
            var inbox = context.GetPostgreSqlInbox();
            await tables.ShipAsync(inbox, message, ct);
            // Not committed yet: outside the transaction neither the row nor the completion is visible.
            var record = await tables.Store.GetAsync(inbox.IdempotencyKey!, ct);
            duringHandler = (await tables.CountShipmentsAsync(message.OrderId), new IdempotencyStatusSeen(record?.Status));
        });

        var first = await pipeline.ProcessAsync(Incoming(order), EmptyServices, Lease);
        var duplicate = await pipeline.ProcessAsync(Incoming(order), EmptyServices, Lease);

        Assert.Equal(MessageProcessingStatus.Succeeded, first.Status);
        Assert.Equal((0L, new IdempotencyStatusSeen(IdempotencyRecordStatus.InProgress)), duringHandler);
        Assert.Equal(MessageProcessingStatus.Replayed, duplicate.Status);
        Assert.Equal(1, runs);
        Assert.Equal(1, await tables.CountShipmentsAsync(order.OrderId));
        Assert.Equal(IdempotencyRecordStatus.Completed, (await tables.Store.GetAsync(first.IdempotencyKey!))!.Status);
    }

    [Fact]
    public async Task Given_a_handler_that_writes_a_row_and_then_fails_When_processed_Then_neither_the_row_nor_a_record_remains_and_the_redelivery_runs_it_once()
    {
        var tables = await InboxTables.CreateAsync(postgres.ConnectionString);
        var order = new ShipOrder($"order-{Guid.NewGuid():N}", 1);
        var failNext = true;
        var pipeline = Pipeline(tables.Store, tables.Store, async (message, context, ct) =>
        {
            await tables.ShipAsync(context.GetPostgreSqlInbox(), message, ct);
            if (failNext)
            {
                failNext = false;
                throw new InvalidOperationException("the carrier rejected the label after the row was written");
            }
        });

        var failed = await pipeline.ProcessAsync(Incoming(order), EmptyServices, Lease);

        Assert.Equal(MessageProcessingStatus.Failed, failed.Status);
        Assert.IsType<InvalidOperationException>(failed.Error);
        Assert.Equal(0, await tables.CountShipmentsAsync(order.OrderId));
        Assert.Null(await tables.Store.GetAsync(failed.IdempotencyKey!));

        var redelivered = await pipeline.ProcessAsync(Incoming(order), EmptyServices, Lease);

        Assert.Equal(MessageProcessingStatus.Succeeded, redelivered.Status);
        Assert.Equal(1, await tables.CountShipmentsAsync(order.OrderId));
    }

    [Fact]
    public async Task Given_a_handler_whose_lease_was_taken_over_while_it_ran_When_it_returns_Then_its_writes_roll_back_and_the_record_stays_the_new_owners()
    {
        var tables = await InboxTables.CreateAsync(postgres.ConnectionString);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var order = new ShipOrder($"order-{Guid.NewGuid():N}", 2);
        var newOwner = Guid.NewGuid().ToString("N");
        var pipeline = Pipeline(tables.Store, tables.Store, async (message, context, ct) =>
        {
            var inbox = context.GetPostgreSqlInbox();
            await tables.ShipAsync(inbox, message, ct);
            // The handler stalls past its lease; another consumer takes the key over.
            clock.Advance(Lease + TimeSpan.FromSeconds(1));
            var now = clock.GetUtcNow();
            var takeover = await tables.Store.TryBeginAsync(new BeginRequest(inbox.IdempotencyKey!, newOwner, now, now.AddHours(1), now + Lease, null), ct);
            Assert.True(takeover.Acquired);
        }, clock);

        var result = await pipeline.ProcessAsync(Incoming(order), EmptyServices, Lease);

        Assert.Equal(MessageProcessingStatus.Failed, result.Status);
        Assert.IsType<IdempotencyStaleOwnerException>(result.Error);
        Assert.Equal(0, await tables.CountShipmentsAsync(order.OrderId));
        var record = await tables.Store.GetAsync(result.IdempotencyKey!);
        Assert.Equal((IdempotencyRecordStatus.InProgress, newOwner), (record!.Status, record.OwnerToken));
    }

    [Fact]
    public async Task Given_a_crash_after_the_inbox_commit_before_the_executor_completes_When_the_message_is_redelivered_Then_it_is_answered_from_the_record_and_no_second_row_is_written()
    {
        var tables = await InboxTables.CreateAsync(postgres.ConnectionString);
        var order = new ShipOrder($"order-{Guid.NewGuid():N}", 5);
        var runs = 0;
        Func<ShipOrder, MessageContext<ShipOrder>, CancellationToken, ValueTask> handler = async (message, context, ct) =>
        {
            runs++;
            await tables.ShipAsync(context.GetPostgreSqlInbox(), message, ct);
        };
        var crashing = new CompleteCrashingStore(tables.Store);

        var crashed = await Pipeline(crashing, tables.Store, handler).ProcessAsync(Incoming(order), EmptyServices, Lease);
        var redelivered = await Pipeline(tables.Store, tables.Store, handler).ProcessAsync(Incoming(order), EmptyServices, Lease);

        Assert.Equal((MessageProcessingStatus.Failed, 1), (crashed.Status, crashing.CompletesRefused));
        Assert.Equal(MessageProcessingStatus.Replayed, redelivered.Status);
        Assert.Equal(1, runs);
        Assert.Equal(1, await tables.CountShipmentsAsync(order.OrderId));
    }

    [Fact]
    public async Task Given_a_handler_with_a_result_and_a_crash_after_the_commit_When_a_duplicate_arrives_Then_it_is_acknowledged_without_a_response_rather_than_with_a_wrong_one()
    {
        var tables = await InboxTables.CreateAsync(postgres.ConnectionString);
        var order = new ShipOrder($"order-{Guid.NewGuid():N}", 1);
        var crashing = new CompleteCrashingStore(tables.Store);
        MessagePipeline<ShipOrder> Build(IIdempotencyStore store) => new MessagePipelineBuilder<ShipOrder>()
            .UseIdempotency(new IdempotencyExecutor(store, Options()))
            .UsePostgreSqlInbox(tables.Store)
            .Build(new LabelHandler(tables));

        await Build(crashing).ProcessAsync(Incoming(order), EmptyServices, Lease);
        var duplicate = await Build(tables.Store).ProcessAsync(Incoming(order), EmptyServices, Lease);

        Assert.Equal((MessageProcessingStatus.Replayed, null), (duplicate.Status, duplicate.Response));
        var record = await tables.Store.GetAsync(duplicate.IdempotencyKey!);
        Assert.Equal((IdempotencyRecordStatus.Completed, true, null), (record!.Status, record.ResponseNotStored, record.ResponseData));
        Assert.Equal(1, await tables.CountShipmentsAsync(order.OrderId));
    }

    [Fact]
    public async Task Given_a_handler_with_a_result_When_it_succeeds_Then_the_executor_stores_the_response_after_the_commit_and_replays_it()
    {
        var tables = await InboxTables.CreateAsync(postgres.ConnectionString);
        var order = new ShipOrder($"order-{Guid.NewGuid():N}", 1);
        var pipeline = new MessagePipelineBuilder<ShipOrder>()
            .UseIdempotency(new IdempotencyExecutor(tables.Store, Options()))
            .UsePostgreSqlInbox(tables.Store)
            .Build(new LabelHandler(tables));

        await pipeline.ProcessAsync(Incoming(order), EmptyServices, Lease);
        var duplicate = await pipeline.ProcessAsync(Incoming(order), EmptyServices, Lease);

        Assert.Equal(MessageProcessingStatus.Replayed, duplicate.Status);
        // The pipeline replays an untyped response: the stored JSON, as a JsonElement.
        Assert.Equal($"label-{order.OrderId}", Assert.IsType<JsonElement>(duplicate.Response).GetString());
        var record = await tables.Store.GetAsync(duplicate.IdempotencyKey!);
        Assert.Equal((false, JsonSerializer.Serialize($"label-{order.OrderId}")), (record!.ResponseNotStored, record.ResponseData));
    }

    [Fact]
    public async Task Given_a_consumer_built_with_UsePostgreSqlInbox_and_the_store_from_services_When_a_message_arrives_twice_Then_one_row_is_written()
    {
        var tableName = PostgreSqlDataSources.NewTableName("di_records");
        await using var provider = new ServiceCollection()
            .AddPostgreSqlIdempotencyStore(options =>
            {
                options.ConnectionString = postgres.ConnectionString;
                options.TableName = tableName;
            })
            .BuildServiceProvider();
        var tables = await InboxTables.CreateAsync(postgres.ConnectionString);
        var order = new ShipOrder($"order-{Guid.NewGuid():N}", 4);
        var pipeline = new TestConsumerBuilder<ShipOrder>()
            .WithKey(o => o.OrderId)
            .UsePostgreSqlInbox()
            .Handle((message, context, ct) => new ValueTask(tables.ShipAsync(context.GetPostgreSqlInbox(), message, ct)), provider);

        var first = await pipeline.ProcessAsync(Incoming(order), provider, Lease);
        var second = await pipeline.ProcessAsync(Incoming(order), provider, Lease);

        Assert.Equal((MessageProcessingStatus.Succeeded, MessageProcessingStatus.Replayed), (first.Status, second.Status));
        Assert.Equal(1, await tables.CountShipmentsAsync(order.OrderId));
        var store = provider.GetRequiredService<PostgreSqlIdempotencyStore>();
        Assert.Contains(tableName, store.QualifiedTableName, StringComparison.Ordinal);
        Assert.Equal(IdempotencyRecordStatus.Completed, (await store.GetAsync(first.IdempotencyKey!))!.Status);
    }

    [Fact]
    public async Task Given_a_handler_without_the_inbox_When_it_asks_for_the_inbox_Then_it_is_told_to_add_UsePostgreSqlInbox()
    {
        var pipeline = new MessagePipelineBuilder<ShipOrder>()
            .UseIdempotency(new IdempotencyExecutor(new InMemoryIdempotencyStore(), Options()))
            .Build((_, context, _) =>
            {
                context.GetPostgreSqlInbox();
                return ValueTask.CompletedTask;
            });

        var result = await pipeline.ProcessAsync(Incoming(new ShipOrder("order-1", 1)), EmptyServices, Lease);

        var error = Assert.IsType<InvalidOperationException>(result.Error);
        Assert.Contains("UsePostgreSqlInbox", error.Message, StringComparison.Ordinal);
    }

    private static readonly IServiceProvider EmptyServices = new ServiceCollection().BuildServiceProvider();

    private static IdempotencyOptions Options() => new()
    {
        KeyPrefix = "inbox-test",
        KeySource = IdempotencyKeySource.From<ShipOrder>(o => o.OrderId),
        InProgressLease = Lease,
    };

    private static MessagePipeline<ShipOrder> Pipeline(
        IIdempotencyStore executorStore,
        PostgreSqlIdempotencyStore inboxStore,
        Func<ShipOrder, MessageContext<ShipOrder>, CancellationToken, ValueTask> handler,
        TimeProvider? clock = null) =>
        new MessagePipelineBuilder<ShipOrder>()
            .UseIdempotency(new IdempotencyExecutor(executorStore, Options(), clock))
            .UsePostgreSqlInbox(inboxStore)
            .Build(handler);

    private static IncomingMessage Incoming(ShipOrder order) => new()
    {
        MessageId = Guid.NewGuid().ToString("N"),
        Body = JsonSerializer.Serialize(order, new JsonSerializerOptions(JsonSerializerDefaults.Web)),
    };

    private sealed record IdempotencyStatusSeen(IdempotencyRecordStatus? Status);

    private sealed class LabelHandler(InboxTables tables) : IMessageHandler<ShipOrder, string>
    {
        public async ValueTask<string> HandleAsync(ShipOrder message, MessageContext<ShipOrder> context, CancellationToken cancellationToken)
        {
            await tables.ShipAsync(context.GetPostgreSqlInbox(), message, cancellationToken);
            return $"label-{message.OrderId}";
        }
    }
}
