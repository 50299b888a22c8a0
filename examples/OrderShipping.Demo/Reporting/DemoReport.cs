using OrderShipping.Demo.Options;

namespace OrderShipping.Demo.Reporting;

/// <summary>What one run did and whether every order shipped exactly once.</summary>
internal sealed record DemoReport
{
    public required DemoOptions Options { get; init; }

    public required string StoreDescription { get; init; }

    public required string QueueDescription { get; init; }

    public required TimeSpan Elapsed { get; init; }

    public required bool TimedOut { get; init; }

    public required int Orders { get; init; }

    public required int MessagesSent { get; init; }

    public required int DuplicateSends { get; init; }

    /// <summary>Sends the FIFO queue dropped as duplicates of an earlier send (<c>--fifo</c>; 0 otherwise).</summary>
    public int SendsDeduplicatedByQueue { get; init; }

    public required int Deliveries { get; init; }

    public required int Redeliveries { get; init; }

    public required int Crashes { get; init; }

    public required int Executions { get; init; }

    public required int Replays { get; init; }

    public required int InProgressRejections { get; init; }

    public required int ShippingCalls { get; init; }

    public required int IdempotencyKeyHits { get; init; }

    public required int Shipments { get; init; }

    /// <summary>Orders that left the warehouse more than once, with how often.</summary>
    public required IReadOnlyDictionary<string, int> DoubleShipped { get; init; }

    /// <summary>Orders that never shipped.</summary>
    public required IReadOnlyList<string> Lost { get; init; }

    /// <summary>Deliveries that shipped nothing new: replays, "in progress" answers and carrier-side key hits.</summary>
    public int DuplicatesSuppressed => Replays + InProgressRejections + IdempotencyKeyHits;

    /// <summary>Parcels beyond one per order.</summary>
    public int ExtraParcels => DoubleShipped.Values.Sum(count => count - 1);

    public bool EveryOrderShippedOnce => DoubleShipped.Count == 0 && Lost.Count == 0;
}
