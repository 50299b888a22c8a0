using OrderShipping.Demo.Options;
using OrderShipping.Demo.Scenario;

namespace OrderShipping.Demo.Tests;

public sealed class ScenarioPlanTests
{
    [Fact]
    public void Given_the_same_seed_Then_the_orders_and_faults_are_the_same()
    {
        var first = ScenarioPlan.Create(new DemoOptions { Orders = 500, Seed = 3 });
        var second = ScenarioPlan.Create(new DemoOptions { Orders = 500, Seed = 3 });

        Assert.Equal(first.Orders, second.Orders);
    }

    [Fact]
    public void Given_another_seed_Then_the_faults_differ()
    {
        var first = ScenarioPlan.Create(new DemoOptions { Orders = 500, Seed = 3 });
        var second = ScenarioPlan.Create(new DemoOptions { Orders = 500, Seed = 4 });

        Assert.NotEqual(first.Orders, second.Orders);
    }

    [Fact]
    public void Given_the_default_rates_Then_a_thousand_orders_meet_every_fault()
    {
        var plan = ScenarioPlan.Create(new DemoOptions());

        Assert.Equal(1000, plan.Orders.Count);
        Assert.Equal(1000, plan.Orders.Select(order => order.Order.OrderId).Distinct().Count());
        Assert.InRange(plan.DuplicateSends, 40, 200);
        Assert.InRange(plan.PlannedCrashes, 10, 60);
        Assert.InRange(plan.PlannedSlowHandlings, 5, 50);
        Assert.Equal(plan.Orders.Sum(order => order.Sends), plan.TotalSends);
    }

    [Fact]
    public void Given_zero_rates_Then_no_fault_is_planned()
    {
        var plan = ScenarioPlan.Create(new DemoOptions { DuplicateSendRate = 0, CrashRate = 0, SlowRate = 0 });

        Assert.Equal(0, plan.DuplicateSends);
        Assert.Equal(0, plan.PlannedCrashes);
        Assert.Equal(0, plan.PlannedSlowHandlings);
    }
}
