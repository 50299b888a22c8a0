using IdempotentConsumer.Pipeline;
using IdempotentConsumer.PostgreSql.Inbox;
using IdempotentConsumer.PostgreSql.Tests.Support;
using IdempotentConsumer.Testing.Storm;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using Xunit;
using Xunit.Abstractions;

namespace IdempotentConsumer.PostgreSql.Tests.Inbox;

/// <summary>
/// The storm with a side effect that is a row in a business table, written through the inbox's transaction and with
/// no unique key of its own: only the inbox stands between a redelivery and a second row. Consumers crash before the
/// commit (after the row was written in the transaction) and after it (before the executor's own completion).
/// </summary>
[Collection(EmulatorCollections.PostgreSql)]
public sealed class PostgreSqlInboxStormTests(PostgreSqlServerFixture postgres, ITestOutputHelper output)
{
    private const int Orders = 250;

    // Handed from the outer test step to the side effect through the async flow of one delivery.
    private static readonly AsyncLocal<InboxAttempt?> CurrentAttempt = new();

    [Fact]
    public async Task Given_duplicates_redeliveries_and_crashes_before_and_after_the_inbox_commit_Then_every_order_has_exactly_one_business_row()
    {
        var tables = await InboxTables.CreateAsync(postgres.ConnectionString);

        var report = await InboxStorm(tables, Orders)
            .WithConcurrentDuplicates(0.05)
            .WithRedeliveries(0.05)
            .WithCrashAfterSideEffect(0.05)
            .WithCrashBeforeCompletion(0.05)
            .WithStoreFaults(0.01)
            .WithSeed(1402)
            .WithTimeout(TimeSpan.FromSeconds(45))
            .RunAsync();
        output.WriteLine(report.ToString());

        report.AssertEffectivelyOnce();
        report.AssertEveryFailureTyped();
        var rows = await tables.ShipmentsPerOrderAsync();
        Assert.Equal(Orders, rows.Count);
        Assert.All(rows, order => Assert.Equal(1, order.Value));
        Assert.Equal(0, report.DeadLettered);

        // The storm really happened: crashes struck on both sides of the commit, and duplicates were answered from records.
        Assert.True(report.CrashesAfterSideEffect > 0 && report.CrashesBeforeCompletion > 0, report.ToString());
        Assert.True(report.DuplicateSends > 0 && report.Replays > 0, report.ToString());
        // Rows written by crashed attempts rolled back: more handler runs than rows.
        Assert.True(report.HandlerInvocations >= Orders + report.CrashesAfterSideEffect, report.ToString());
    }

    [Fact]
    public async Task Given_handlers_that_outlive_their_lease_while_another_delivery_takes_the_key_over_Then_the_stale_inbox_transaction_rolls_back_and_every_order_has_one_row()
    {
        var tables = await InboxTables.CreateAsync(postgres.ConnectionString);
        const int orders = 120;

        var report = await InboxStorm(tables, orders)
            .WithLeaseExpiryMidHandler(0.08)
            .WithSeed(1403)
            .WithTimeout(TimeSpan.FromSeconds(60))
            .RunAsync();
        output.WriteLine(report.ToString());

        report.AssertEffectivelyOnce();
        report.AssertEveryFailureTyped();
        var rows = await tables.ShipmentsPerOrderAsync();
        Assert.Equal(orders, rows.Count);
        Assert.All(rows, order => Assert.Equal(1, order.Value));

        // Each stalled attempt wrote its row in its transaction after the takeover; the fenced completion rolled it back.
        Assert.True(report.LeaseExpiriesInjected > 0, report.ToString());
        Assert.Equal(0, report.LateCompletionsLanded);
        Assert.Equal(report.LeaseExpiriesInjected, report.LateCompletionsRefused);
    }

    // Both storms: orders shipped as rows through the inbox's transaction by 8 consumers, 30 % of sends duplicated.
    private static IdempotencyStormBuilder<ShipOrder> InboxStorm(InboxTables tables, int orders) =>
        IdempotencyStorm.For<ShipOrder>(o => o.OrderId)
            .WithMessages(orders, i => new ShipOrder($"order-{i}", (i % 5) + 1))
            .WithStore(tables.Store)
            .WithSideEffect(async (order, effect, ct) =>
            {
                var attempt = CurrentAttempt.Value ?? throw new InvalidOperationException("The side effect ran outside the inbox.");
                await tables.ShipAsync(attempt.Inbox!, order, ct);
                attempt.Effect = effect;
            })
            .ConfigureConsumer(consumer => consumer
                .Use(RecordCommittedEffects)
                .UsePostgreSqlInbox(tables.Store)
                .Use(ExposeInbox))
            .WithConsumers(8)
            .WithDuplicateSends(0.30);

    // Outermost of the test's steps, around the inbox: the side effect counts only once the inbox committed it.
    private static async ValueTask<object?> RecordCommittedEffects(MessageContext<ShipOrder> context, MessageHandlerDelegate<ShipOrder> next)
    {
        var attempt = new InboxAttempt();
        CurrentAttempt.Value = attempt;
        var result = await next(context);
        attempt.Effect?.Record();
        return result;
    }

    private static ValueTask<object?> ExposeInbox(MessageContext<ShipOrder> context, MessageHandlerDelegate<ShipOrder> next)
    {
        CurrentAttempt.Value!.Inbox = context.GetPostgreSqlInbox();
        return next(context);
    }

    private sealed class InboxAttempt
    {
        public PostgreSqlInboxContext? Inbox { get; set; }

        public SideEffectRecorder? Effect { get; set; }
    }
}
