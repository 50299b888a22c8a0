using System.Collections.Concurrent;
using IdempotentConsumer.Pipeline;
using OrderShipping.Demo.Scenario;
using OrderShipping.Orders;

namespace OrderShipping.Demo.Consumers;

/// <summary>
/// Plays the scenario's faults around the handler, inside the idempotency middleware: a slow first
/// handling (the queue redelivers meanwhile) and a crash after the shipping call, before the executor
/// can mark the record COMPLETED.
/// </summary>
internal sealed class FaultInjector(ScenarioPlan plan, DemoTimings timings)
{
    private readonly ConcurrentDictionary<string, int> _handlings = new(StringComparer.Ordinal);

    /// <summary>The middleware for one consumer process: a planned crash kills that process.</summary>
    public Func<MessageContext<Order>, MessageHandlerDelegate<Order>, ValueTask<object?>> For(ConsumerProcess process) =>
        async (context, next) =>
        {
            // A dead process does nothing more, not even the handlers of its batch that had not started yet.
            if (process.IsDead)
            {
                throw new ConsumerCrashedException($"Consumer process {process.Name} is dead.");
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
                process.Kill();
                throw new ConsumerCrashedException($"Consumer process {process.Name} crashed after shipping {orderId}, before recording it.");
            }

            return result;
        };
}
