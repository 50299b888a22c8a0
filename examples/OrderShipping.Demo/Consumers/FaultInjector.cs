using System.Collections.Concurrent;
using IdempotentConsumer.Pipeline;
using OrderShipping.Demo.Scenario;
using OrderShipping.Orders;

namespace OrderShipping.Demo.Consumers;

/// <summary>
/// Plays the scenario's faults as the consumer's middleware (<c>Use(...)</c>, inside idempotency and retry, around the
/// handler): a slow first handling, longer than the visibility timeout, and a crash after the shipping call, before
/// the executor can mark the record COMPLETED.
/// </summary>
internal sealed class FaultInjector(ScenarioPlan plan, DemoTimings timings)
{
    private readonly ConcurrentDictionary<string, int> _handlings = new(StringComparer.Ordinal);

    /// <summary>The middleware for one consumer process: a planned crash kills that process.</summary>
    public Func<MessageContext<Order>, MessageHandlerDelegate<Order>, ValueTask<object?>> For(ConsumerLife life) =>
        async (context, next) =>
        {
            // A dead process does nothing more, not even the handlers of its batch that had not started yet.
            if (life.IsDead)
            {
                throw new ConsumerCrashedException($"Consumer process {life.Name} is dead.");
            }

            var orderId = context.Message.OrderId;
            var orderPlan = plan.For(orderId);
            var isFirstHandling = _handlings.AddOrUpdate(orderId, 1, static (_, count) => count + 1) == 1;
            if (isFirstHandling && orderPlan.SlowFirstHandling)
            {
                await Task.Delay(timings.SlowHandling, context.CancellationToken).ConfigureAwait(false);
            }

            var result = await next(context).ConfigureAwait(false);
            if (isFirstHandling && orderPlan.CrashAfterShipping)
            {
                life.Kill();
                throw new ConsumerCrashedException($"Consumer process {life.Name} crashed after shipping {orderId}, before recording it.");
            }

            return result;
        };
}
