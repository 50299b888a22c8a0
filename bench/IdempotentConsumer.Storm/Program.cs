using System.Globalization;
using IdempotentConsumer.Storm;
using IdempotentConsumer.Testing.Storm;

// The large duplicate-storm run (./build.sh --target=Storm): the CI storm suite's scenario at full size,
// on every store, with the figures docs/reliability.md quotes. Exit code 1 if any order shipped twice or never.
StormArguments arguments;
try
{
    arguments = StormArguments.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine(StormArguments.Usage);
    return 2;
}

var seed = arguments.Seed ?? Random.Shared.Next();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Idempotency storm: {arguments.Orders} orders per store, {arguments.Consumers} consumers, lease {arguments.Lease.TotalMilliseconds} ms, seed {seed}"));
Console.WriteLine($"{Environment.ProcessorCount} logical CPUs, .NET {Environment.Version}, {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC");
Console.WriteLine();

var runs = new List<StormFigures>();
var extended = new List<ExtendedFigures>();
foreach (var name in arguments.Stores)
{
    var store = await StormStores.CreateAsync(name);
    try
    {
        Console.WriteLine($"== {store.Name} ({store.Description})");
        var shipping = new ShippingApi();
        var report = await IdempotencyStorm.For<Order>(o => o.OrderId)
            .WithStore(store.Store)
            .WithMessages(arguments.Orders, Order.Numbered)
            .WithSideEffect((order, key, ct) => shipping.ShipAsync(order.OrderId, key, ct))
            .WithConsumers(arguments.Consumers)
            .WithLease(arguments.Lease)
            .WithDuplicateSends(0.30)
            .WithConcurrentDuplicates(0.05)
            .WithRedeliveries(0.05)
            .WithCrashAfterSideEffect(0.05)
            .WithCrashBeforeCompletion(0.01)
            .WithLeaseExpiryMidHandler(0.01)
            .WithStoreFaults(0.01)
            .WithSeed(seed)
            .ConfigureIdempotency(o => o.KeyPrefix = $"storm-{Guid.NewGuid():N}")
            .WithTimeout(TimeSpan.FromMinutes(30))
            .RunAsync();
        var figures = new StormFigures(store, report, shipping);
        runs.Add(figures);
        Console.WriteLine(report);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  shipping API: {shipping.Calls} calls, {shipping.ShipmentsByOrder.Count} orders shipped, {figures.DoubleShipments} shipped twice, {figures.Unshipped} never; {figures.ReExecuted} orders re-executed (a side effect ignoring the key would have doubled them)"));
        Console.WriteLine(figures.Passed ? "  PASS: every order shipped exactly once" : "  FAIL");
        Console.WriteLine();
        if (arguments.ExtendedOrders > 0)
        {
            extended.AddRange(await ExtendedScenarios.RunAsync(store, arguments.ExtendedOrders, seed));
            Console.WriteLine();
        }
    }
    finally
    {
        await store.Cleanup();
    }
}

StormFigures.PrintTable(runs, Console.Out);
if (extended.Count > 0)
{
    Console.WriteLine();
    Console.WriteLine("The extended storm:");
    ExtendedFigures.PrintTable(extended, Console.Out);
}

return runs.All(r => r.Passed) && extended.All(r => r.Passed) ? 0 : 1;
