using System.Collections.Concurrent;
using OrderShippingConsumer.Shipping;

namespace OrderShippingConsumer.Tests;

/// <summary>A carrier that records each call and, like a real one, honours the Idempotency-Key.</summary>
public sealed class RecordingShippingApi : IShippingApi
{
    private readonly ConcurrentDictionary<string, ShipmentReceipt> _byKey = new();
    private readonly ConcurrentQueue<(ShipmentRequest Request, string? Key)> _calls = new();
    private readonly ConcurrentQueue<ShipmentReceipt> _shipments = new();
    private int _sequence;

    public IReadOnlyCollection<(ShipmentRequest Request, string? Key)> Calls => _calls;

    public IReadOnlyCollection<ShipmentReceipt> Shipments => _shipments;

    public Func<ShipmentRequest, Exception?> FailWhen { get; set; } = _ => null;

    public Task<ShipmentReceipt> ShipAsync(ShipmentRequest request, string? idempotencyKey, CancellationToken cancellationToken)
    {
        _calls.Enqueue((request, idempotencyKey));
        if (FailWhen(request) is { } failure)
        {
            throw failure;
        }

        ShipmentReceipt Ship()
        {
            var number = Interlocked.Increment(ref _sequence);
            var receipt = new ShipmentReceipt($"SHP-{number}", request.OrderId, $"TRK-{number}");
            _shipments.Enqueue(receipt);
            return receipt;
        }

        return Task.FromResult(idempotencyKey is null ? Ship() : _byKey.GetOrAdd(idempotencyKey, _ => Ship()));
    }
}
