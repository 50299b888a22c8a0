using System.Globalization;
using IdempotentConsumer.Lambda.LocalRunner.Invokers;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using OrderShipping.Orders;

namespace OrderShipping.Lambda.Tests.RuntimeApi;

/// <summary>
/// The function as Lambda runs it: its own OS process hosting the official runtime client
/// (Amazon.Lambda.RuntimeSupport), fed through the Runtime API emulator by the local event source mapping
/// from a fauxqs queue, recording in DynamoDB (dynalite) and shipping over HTTP. Run against the JIT build by
/// default, against the Native AOT executable when ORDERSHIPPING_LAMBDA_EXECUTABLE names it.
/// </summary>
public sealed class RuntimeApiEndToEndTests(FauxqsFixture fauxqs, DynaliteFixture dynamo) : IClassFixture<FauxqsFixture>, IClassFixture<DynaliteFixture>
{
    private static Order OrderNumber(int number) =>
        new(string.Create(CultureInfo.InvariantCulture, $"ORD-{number:D3}"), "USR-1", "SKU-1");

    [Fact]
    public async Task Given_duplicate_sends_When_the_function_process_drains_the_queue_Then_each_order_ships_once()
    {
        await using var lambda = await FunctionUnderRuntimeApi.CreateAsync(fauxqs, dynamo, TimeSpan.FromSeconds(20), visibilityTimeoutSeconds: 2);
        lambda.StartFunction();
        const int orders = 20;
        var sends = 0;
        for (var number = 1; number <= orders; number++)
        {
            // Every third order was sent twice: the producer retried a send that timed out.
            for (var copy = 0; copy < (number % 3 == 0 ? 2 : 1); copy++, sends++)
            {
                await lambda.SendAsync(OrderNumber(number));
            }
        }

        var cycles = await lambda.Mapping.RunUntilIdleAsync();

        Assert.True(cycles.All(c => c.FunctionError is null), lambda.FunctionOutput());
        Assert.Equal(sends, cycles.Sum(c => c.Deleted.Count));
        Assert.Equal(orders, lambda.Carrier.Carrier.ShipmentCount);
        Assert.All(lambda.Carrier.Carrier.ShipmentsPerOrder().Values, count => Assert.Equal(1, count));
        Assert.Equal(0, await lambda.MessagesLeftAsync());
        Assert.Equal(1, lambda.EnvironmentsStarted);
    }

    [Fact]
    public async Task Given_the_function_process_is_killed_after_the_carrier_shipped_When_the_mapping_drains_the_queue_Then_nothing_ships_twice_and_nothing_is_lost()
    {
        // The lease (function timeout minus 1 s) outlives several 1 s visibility timeouts: the redelivered
        // record finds its order in progress until the dead invocation's lease ends, then is retried.
        await using var lambda = await FunctionUnderRuntimeApi.CreateAsync(fauxqs, dynamo, TimeSpan.FromSeconds(6), visibilityTimeoutSeconds: 1);
        var victim = OrderNumber(7).OrderId;
        var killed = 0;
        lambda.Carrier.AfterShipping = async request =>
        {
            if (request.OrderId == victim && Interlocked.Exchange(ref killed, 1) == 0)
            {
                // The parcel left; the function dies before it hears so, before it records the order as done.
                await lambda.Function.KillAsync();
            }
        };
        lambda.StartFunction();
        const int orders = 12;
        for (var number = 1; number <= orders; number++)
        {
            await lambda.SendAsync(OrderNumber(number));
        }

        var cycles = await lambda.Mapping.RunUntilIdleAsync();

        var crashed = Assert.Single(cycles, c => c.FunctionError is LambdaFunctionErrorException { ErrorType: "Runtime.ExitError" });
        Assert.Empty(crashed.Deleted);
        Assert.True(lambda.EnvironmentsStarted >= 2, "a new execution environment replaces the killed one");
        Assert.Equal(orders, lambda.Carrier.Carrier.ShipmentCount);
        Assert.Equal(orders, lambda.Carrier.Carrier.ShippedOrderCount);
        Assert.All(lambda.Carrier.Carrier.ShipmentsPerOrder().Values, count => Assert.Equal(1, count));
        Assert.True(lambda.Carrier.Carrier.IdempotencyKeyHits >= 1, "the retry of the killed order reached the carrier with the same Idempotency-Key");
        Assert.Equal(0, await lambda.MessagesLeftAsync());
    }

    [Fact]
    public async Task Given_one_record_outlasts_the_invocation_deadline_Then_it_alone_is_handed_back_as_a_batch_item_failure_and_ships_once_later()
    {
        await using var lambda = await FunctionUnderRuntimeApi.CreateAsync(fauxqs, dynamo, TimeSpan.FromSeconds(5), visibilityTimeoutSeconds: 2);
        lambda.StartFunction();

        // Warm the execution environment first, so only the slow carrier call runs into the deadline.
        await lambda.SendAsync(OrderNumber(100));
        await lambda.Mapping.RunUntilIdleAsync();

        var slow = OrderNumber(1).OrderId;
        var slowCalls = 0;
        lambda.Carrier.BeforeShipping = request =>
            request.OrderId == slow && Interlocked.Increment(ref slowCalls) == 1 ? Task.Delay(TimeSpan.FromSeconds(8)) : Task.CompletedTask;
        for (var number = 1; number <= 4; number++)
        {
            await lambda.SendAsync(OrderNumber(number));
        }

        var cycles = await lambda.Mapping.RunUntilIdleAsync();

        var handedBack = Assert.Single(cycles, c => c.Retained.Count > 0);
        Assert.Null(handedBack.FunctionError);
        Assert.Contains("batchItemFailures", handedBack.ResponseJson!, StringComparison.Ordinal);
        Assert.Single(handedBack.Retained);
        Assert.Equal(handedBack.Received.Count - 1, handedBack.Deleted.Count);
        Assert.All(cycles, c => Assert.Null(c.FunctionError));
        Assert.Equal(5, lambda.Carrier.Carrier.ShippedOrderCount);
        Assert.All(lambda.Carrier.Carrier.ShipmentsPerOrder().Values, count => Assert.Equal(1, count));
        Assert.Equal(0, await lambda.MessagesLeftAsync());
    }

    [Fact]
    public async Task Given_the_function_cannot_initialise_Then_the_error_is_posted_to_the_init_error_endpoint_and_the_batch_stays_queued()
    {
        await using var lambda = await FunctionUnderRuntimeApi.CreateAsync(fauxqs, dynamo, TimeSpan.FromSeconds(10), visibilityTimeoutSeconds: 30);
        lambda.FunctionEnvironment["SHIPPING_API_URL"] = "not a url";
        var process = lambda.StartFunction(restartOnExit: false);
        await lambda.SendAsync(OrderNumber(1));

        var cycle = await lambda.Mapping.PollOnceAsync();
        var initError = await lambda.Emulator.WaitForInitErrorAsync(TimeSpan.FromSeconds(60));
        var exitCode = await process.Exited.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Contains("UriFormatException", initError.ErrorType + initError.Body, StringComparison.Ordinal);
        Assert.NotNull(cycle.FunctionError);
        Assert.Empty(cycle.Deleted);
        Assert.Single(cycle.Retained);
        Assert.NotEqual(0, exitCode);
        Assert.Equal(1, await lambda.MessagesLeftAsync());
        Assert.Equal(0, lambda.Carrier.Carrier.CallCount);
    }
}
