using OrderShipping.Orders;

namespace OrderShipping.Demo.Scenario;

/// <summary>What will happen to one order: decided up front from the seed, so a run is reproducible.</summary>
/// <param name="Order">The order.</param>
/// <param name="Sends">How many times the producer sends it (more than 1: its first send "timed out" and was retried).</param>
/// <param name="CrashAfterShipping">The first consumer to handle it crashes after the shipping call, before the record completes.</param>
/// <param name="SlowFirstHandling">Its first handling outlasts the visibility timeout, so the queue hands it to another consumer meanwhile.</param>
internal sealed record OrderPlan(Order Order, int Sends, bool CrashAfterShipping, bool SlowFirstHandling);
