using System.Globalization;
using OrderShipping.Demo.Options;
using OrderShipping.Orders;

namespace OrderShipping.Demo.Scenario;

/// <summary>The whole run's script: the orders and the faults each one meets.</summary>
internal sealed class ScenarioPlan
{
    private readonly Dictionary<string, OrderPlan> _byOrderId;

    private ScenarioPlan(IReadOnlyList<OrderPlan> orders)
    {
        Orders = orders;
        _byOrderId = orders.ToDictionary(plan => plan.Order.OrderId, StringComparer.Ordinal);
        TotalSends = orders.Sum(plan => plan.Sends);
    }

    public IReadOnlyList<OrderPlan> Orders { get; }

    /// <summary>Messages the producer will put on the queue, retries included.</summary>
    public int TotalSends { get; }

    public int DuplicateSends => TotalSends - Orders.Count;

    public int PlannedCrashes => Orders.Count(plan => plan.CrashAfterShipping);

    public int PlannedSlowHandlings => Orders.Count(plan => plan.SlowFirstHandling);

    public OrderPlan For(string orderId) => _byOrderId[orderId];

    /// <summary>Draws the script from the options' seed: the same seed gives the same orders and faults.</summary>
    public static ScenarioPlan Create(DemoOptions options)
    {
        var random = new Random(options.Seed);
        var plans = new List<OrderPlan>(options.Orders);
        for (var i = 1; i <= options.Orders; i++)
        {
            var order = new Order(
                string.Create(CultureInfo.InvariantCulture, $"ORD-{i:D6}"),
                string.Create(CultureInfo.InvariantCulture, $"USR-{random.Next(1, 400):D4}"),
                string.Create(CultureInfo.InvariantCulture, $"SKU-{random.Next(1, 60):D3}"));
            var sends = 1;
            if (random.NextDouble() < options.DuplicateSendRate)
            {
                // A retried send sometimes times out too.
                sends += random.NextDouble() < 0.25 ? 2 : 1;
            }

            var crash = random.NextDouble() < options.CrashRate;
            var slow = !crash && random.NextDouble() < options.SlowRate;
            plans.Add(new OrderPlan(order, sends, crash, slow));
        }

        return new ScenarioPlan(plans);
    }
}
