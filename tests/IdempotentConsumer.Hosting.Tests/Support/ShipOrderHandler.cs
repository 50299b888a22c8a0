using IdempotentConsumer.Pipeline;

namespace IdempotentConsumer.Hosting.Tests.Support;

/// <summary>One instance per DI scope: shows that each message gets a scope of its own.</summary>
public sealed class ScopeProbe
{
    public Guid Id { get; } = Guid.NewGuid();
}

/// <summary>Ships an order: the side effect every test counts.</summary>
public sealed class ShipOrderHandler(ShippingLedger ledger, ScopeProbe probe) : IMessageHandler<Order>
{
    public async ValueTask HandleAsync(Order message, MessageContext<Order> context, CancellationToken cancellationToken)
    {
        ledger.Enter(message, probe.Id);
        try
        {
            if (message.Poison)
            {
                throw new InvalidOperationException($"Order {message.OrderId} is poison.");
            }

            if (message.DelayMs > 0)
            {
                await Task.Delay(message.DelayMs, cancellationToken);
            }

            if (ledger.BeforeShip is { } hook)
            {
                await hook(message, cancellationToken);
            }

            ledger.Ship(message);
        }
        catch (OperationCanceledException)
        {
            ledger.Cancelled.Enqueue(message.OrderId);
            throw;
        }
        finally
        {
            ledger.Exit();
        }
    }
}
