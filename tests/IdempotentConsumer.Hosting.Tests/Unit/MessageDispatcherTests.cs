using System.Collections.Concurrent;
using Amazon.SQS;
using IdempotentConsumer.Hosting.Tests.Support;
using IdempotentConsumer.Hosting.Transport;
using IdempotentConsumer.Hosting.Worker;
using IdempotentConsumer.Pipeline;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using Xunit;

namespace IdempotentConsumer.Hosting.Tests.Unit;

public sealed class MessageDispatcherTests
{
    private static readonly HeartbeatScheduler Scheduler = new(TimeSpan.FromSeconds(1), TimeProvider.System);
    private readonly ConcurrentQueue<string> _events = new();
    private readonly ConcurrentQueue<string> _handedBack = new();
    private int _running;
    private int _maxRunning;

    private static SqsDelivery Delivery(string id, string? group) => new(
        new IncomingMessage { MessageId = id, Body = "{}", MessageGroupId = group },
        "rh-" + id,
        new VisibilityHeartbeat(new AwsSqsTransport(Mock.Of<IAmazonSQS>()), "q", "rh-" + id, id, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10),
            DateTimeOffset.UtcNow.AddSeconds(30), Scheduler, TimeProvider.System, NullLogger.Instance, () => { }));

    private async Task<bool> ProcessAsync(SqsDelivery delivery, Func<string, bool>? succeeds = null)
    {
        var now = Interlocked.Increment(ref _running);
        InterlockedMax(ref _maxRunning, now);
        _events.Enqueue("start " + delivery.MessageId);
        await Task.Delay(30);
        _events.Enqueue("end " + delivery.MessageId);
        Interlocked.Decrement(ref _running);
        return succeeds?.Invoke(delivery.MessageId) ?? true;
    }

    private Task HandBackAsync(SqsDelivery delivery, string reason)
    {
        _handedBack.Enqueue($"{delivery.MessageId}:{reason}");
        return Task.CompletedTask;
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    [Fact]
    public async Task Given_a_fifo_queue_When_two_groups_arrive_Then_each_group_runs_in_order_one_at_a_time_and_groups_run_in_parallel()
    {
        var dispatcher = new MessageDispatcher(orderByGroup: true, d => ProcessAsync(d), HandBackAsync);

        foreach (var id in new[] { "a1", "b1", "a2", "b2", "a3", "b3" })
        {
            dispatcher.Dispatch(Delivery(id, id[..1]));
        }

        await Eventually.TrueAsync(() => _events.Count == 12);
        await Eventually.TrueAsync(() => dispatcher.ActiveGroups == 0);
        foreach (var group in new[] { "a", "b" })
        {
            var ofGroup = _events.Where(e => e.EndsWith(group + "1", StringComparison.Ordinal) || e.EndsWith(group + "2", StringComparison.Ordinal) || e.EndsWith(group + "3", StringComparison.Ordinal)).ToArray();
            Assert.Equal([$"start {group}1", $"end {group}1", $"start {group}2", $"end {group}2", $"start {group}3", $"end {group}3"], ofGroup);
        }

        Assert.Equal(2, _maxRunning);
    }

    [Fact]
    public async Task Given_a_fifo_group_When_a_message_fails_Then_the_rest_of_the_group_is_handed_back_unprocessed()
    {
        var dispatcher = new MessageDispatcher(orderByGroup: true, d => ProcessAsync(d, id => id != "a1"), HandBackAsync);

        dispatcher.Dispatch(Delivery("a1", "a"));
        dispatcher.Dispatch(Delivery("a2", "a"));
        dispatcher.Dispatch(Delivery("a3", "a"));
        dispatcher.Dispatch(Delivery("b1", "b"));

        await Eventually.TrueAsync(() => dispatcher.ActiveGroups == 0 && _handedBack.Count == 2);
        Assert.Equal(["a2:fifo_group", "a3:fifo_group"], _handedBack);
        Assert.DoesNotContain(_events, e => e.Contains("a2", StringComparison.Ordinal) || e.Contains("a3", StringComparison.Ordinal));
        Assert.Contains("end b1", _events);
    }

    [Fact]
    public async Task Given_a_group_finished_When_a_later_message_of_it_arrives_Then_it_runs_normally()
    {
        var dispatcher = new MessageDispatcher(orderByGroup: true, d => ProcessAsync(d, id => id != "a1"), HandBackAsync);
        dispatcher.Dispatch(Delivery("a1", "a"));
        await Eventually.TrueAsync(() => dispatcher.ActiveGroups == 0);

        dispatcher.Dispatch(Delivery("a2", "a"));

        await Eventually.TrueAsync(() => _events.Contains("end a2"));
        Assert.Empty(_handedBack);
    }

    [Fact]
    public async Task Given_a_standard_queue_When_messages_carry_a_group_id_Then_they_still_run_in_parallel()
    {
        var dispatcher = new MessageDispatcher(orderByGroup: false, d => ProcessAsync(d), HandBackAsync);

        for (var i = 0; i < 4; i++)
        {
            dispatcher.Dispatch(Delivery($"m{i}", "same"));
        }

        await Eventually.TrueAsync(() => _events.Count == 8);
        Assert.True(_maxRunning > 1);
        Assert.Equal(0, dispatcher.ActiveGroups);
    }
}
