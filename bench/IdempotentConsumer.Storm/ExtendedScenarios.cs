using System.Globalization;
using IdempotentConsumer.Stores;
using IdempotentConsumer.Testing.Storm;

namespace IdempotentConsumer.Storm;

/// <summary>
/// The extended storm (issue 10), run on each store after the classic one: ordinary configurations that used to
/// double effects, lose or dead-letter messages, or replay one user's response to another.
/// </summary>
internal static class ExtendedScenarios
{
    public static async Task<IReadOnlyList<ExtendedFigures>> RunAsync(StoreUnderTest store, int orders, int seed)
    {
        var figures = new List<ExtendedFigures>();
        foreach (var (name, run) in Scenarios(orders, seed))
        {
            var report = await run(store.Store);
            figures.Add(new ExtendedFigures(store.Name, name, report));
            Console.WriteLine($"-- {name}");
            Console.WriteLine(report);
        }

        return figures;
    }

    private static IEnumerable<(string Name, Func<IIdempotencyStore, Task<StormReport>> Run)> Scenarios(int orders, int seed)
    {
        var longHandlers = Math.Max(8, orders / 20);
        yield return ("handlers outlive RecordExpiry", store => Strict(store, longHandlers, seed)
            .WithConsumers(Math.Max(64, longHandlers * 3))
            .WithConcurrentDuplicates(0.5, copies: 3)
            .WithSlowHandlers(1.0, TimeSpan.FromSeconds(6))
            .WithLease(TimeSpan.FromSeconds(1))
            .WithLeaseHeartbeat(TimeSpan.FromMilliseconds(100))
            .ConfigureIdempotency(o =>
            {
                o.KeyPrefix = Prefix("outlive");

                // Whole seconds in the durable stores; a copy rejected as in progress comes back up to 3 s after the
                // holder completed (1 s visibility, hidden until the lease end plus a second).
                o.RecordExpiry = TimeSpan.FromSeconds(5);
            })
            .RunAsync());
        yield return ("lease-extension faults", store => KeyHonouring(store, longHandlers, seed)
            .WithConsumers(Math.Max(16, longHandlers))
            .WithConcurrentDuplicates(0.3, copies: 2)
            .WithSlowHandlers(1.0, TimeSpan.FromMilliseconds(800))
            .WithLease(TimeSpan.FromMilliseconds(300))
            .WithLeaseHeartbeat(TimeSpan.FromMilliseconds(100))
            .WithLeaseExtensionFaults(0.35)
            .RunAsync());
        yield return ("lost begin replies, maxReceiveCount 3", store => Strict(store, orders, seed)
            .WithDuplicateSends(0.2)
            .WithLostBeginReplies(0.10)
            .WithMaxReceiveCount(3)
            .RunAsync());
        yield return ("responses that cannot be stored", store => Strict(store, orders, seed)
            .WithDuplicateSends(0.3)
            .WithRedeliveries(0.1)
            .WithResponses(order => Number(order.OrderId) switch
            {
                var n when n % 7 == 0 => new UnstorableResponse(),
                var n when n % 11 == 0 => Oversized,
                _ => $"shipped {order.OrderId} for {order.UserId}",
            })
            .RunAsync());
        yield return ("all-null composite keys", store => Accounts(store, orders, seed));
        yield return ("maxReceiveCount 3, crashes mid-handler", store => KeyHonouring(store, orders, seed)
            .WithDuplicateSends(0.2)
            .WithConcurrentDuplicates(0.1, copies: 2)
            .WithCrashBeforeSideEffect(0.05)
            .WithCrashAfterSideEffect(0.05)
            .WithCrashesOnFirstDeliveryOnly()
            .WithLease(TimeSpan.FromMilliseconds(300))
            .WithVisibilityTimeout(TimeSpan.FromMilliseconds(400))
            .WithMaxReceiveCount(3)
            .RunAsync());
    }

    private static readonly string Oversized = new('x', 450 * 1024);

    /// <summary>Counts every handler run as an effect: with no crash and no lapsed lease, a second run is a double.</summary>
    private static IdempotencyStormBuilder<Order> Strict(IIdempotencyStore store, int orders, int seed) =>
        Base(store, orders, seed)
            .WithLeaseHeartbeat(TimeSpan.FromMilliseconds(150))
            .WithSideEffect((_, effect, _) =>
            {
                effect.Record();
                return ValueTask.CompletedTask;
            });

    private static IdempotencyStormBuilder<Order> KeyHonouring(IIdempotencyStore store, int orders, int seed)
    {
        var shipping = new ShippingApi();
        return Base(store, orders, seed).WithSideEffect((order, key, ct) => shipping.ShipAsync(order.OrderId, key, ct));
    }

    private static IdempotencyStormBuilder<Order> Base(IIdempotencyStore store, int orders, int seed) =>
        IdempotencyStorm.For<Order>(o => o.OrderId)
            .WithStore(store)
            .WithMessages(orders, Order.Numbered)
            .WithConsumers(8)
            .WithLease(TimeSpan.FromMilliseconds(500))
            .WithSeed(seed)
            .ConfigureIdempotency(o => o.KeyPrefix = Prefix("extended"))
            .WithTimeout(TimeSpan.FromMinutes(10));

    private static Task<StormReport> Accounts(IIdempotencyStore store, int orders, int seed)
    {
        var api = new ShippingApi();
        return IdempotencyStorm.For<AccountRequest>(r => new { r.UserId, r.OrderId })
            .WithStore(store)
            .WithMessages(orders, AccountRequest.Numbered)
            .WithSideEffect((request, key, ct) => api.ShipAsync(request.RequestId, key.Length == 0 ? $"request:{request.RequestId}" : key, ct))
            .WithResponses(request => request.Response)
            .WithDuplicateSends(0.4)
            .WithRedeliveries(0.1)
            .WithConsumers(8)
            .WithLease(TimeSpan.FromMilliseconds(500))
            .WithSeed(seed)
            .ConfigureIdempotency(o =>
            {
                o.KeyPrefix = Prefix("accounts");
                o.ThrowOnMissingKey = false;
            })
            .WithTimeout(TimeSpan.FromMinutes(10))
            .RunAsync();
    }

    private static string Prefix(string name) => $"{name}-{Guid.NewGuid():N}";

    private static int Number(string orderId) => int.Parse(orderId.AsSpan("order-".Length), CultureInfo.InvariantCulture);
}

/// <summary>A request keyed by <c>[userId, orderId]</c>; every fifth is anonymous (both null), so its key is missing.</summary>
internal sealed record AccountRequest(string? UserId, string? OrderId, string RequestId)
{
    public static AccountRequest Numbered(int index) => index % 5 == 0
        ? new AccountRequest(null, null, $"request-{index:D6}")
        : new AccountRequest($"user-{index % 97}", $"order-{index:D6}", $"request-{index:D6}");

    public string Response => $"answer for {UserId ?? "anonymous"}/{OrderId ?? "-"}/{RequestId}";
}

/// <summary>A result the serializer fails on (it refers to itself).</summary>
internal sealed class UnstorableResponse
{
    public UnstorableResponse() => Self = this;

    public UnstorableResponse Self { get; }
}
