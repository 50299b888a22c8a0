using System.Diagnostics;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Execution;
using IdempotentConsumer.Records;
using IdempotentConsumer.Stores;
using IdempotentConsumer.Testing.Faults;
using Xunit;

namespace IdempotentConsumer.Reliability.Tests.Kit;

public sealed class FaultInjectingIdempotencyStoreTests
{
    private static readonly DateTimeOffset Now = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly InMemoryIdempotencyStore _inner = new();

    private static BeginRequest Begin(string key, string owner) =>
        new(key, owner, Now, Now.AddHours(1), Now.AddMinutes(5), null);

    private static CompleteRequest Complete(string key, string owner) =>
        new(key, owner, Now.AddHours(1), "\"done\"", null);

    [Fact]
    public async Task Given_no_rules_When_every_operation_is_called_Then_each_reaches_the_store_and_is_counted()
    {
        var store = new FaultInjectingIdempotencyStore(_inner);

        Assert.True((await store.TryBeginAsync(Begin("k", "o1"))).Acquired);
        await store.ExtendLeaseAsync(new ExtendLeaseRequest("k", "o1", Now.AddMinutes(10), Now.AddMinutes(10)));
        await store.CompleteAsync(Complete("k", "o1"));
        var record = await store.GetAsync("k");
        var many = await store.GetManyAsync(["k", "absent"]);
        Assert.True((await store.TryBeginAsync(Begin("r", "o2"))).Acquired);
        await store.ReleaseAsync("r", "o2");

        Assert.Equal(IdempotencyRecordStatus.Completed, record!.Status);
        Assert.Single(many);
        Assert.Equal(0, store.InjectedFaultCount);
        Assert.Equal(2, store.CountCalls(StoreOperations.Begin));
        Assert.Equal(7, store.CountCalls(StoreOperations.All));
        Assert.Null(await _inner.GetAsync("r"));
    }

    [Fact]
    public async Task Given_a_fault_before_the_write_on_begin_When_beginning_Then_the_caller_gets_a_persistence_error_and_nothing_is_written()
    {
        var store = new FaultInjectingIdempotencyStore(_inner).FailNext(StoreOperations.Begin, kind: StoreFaultKind.Throttling);

        var error = await Assert.ThrowsAsync<IdempotencyPersistenceException>(() => store.TryBeginAsync(Begin("k", "o1")).AsTask());

        var injected = Assert.IsType<InjectedStoreFaultException>(error.InnerException);
        Assert.Equal(new { Op = StoreOperations.Begin, Kind = StoreFaultKind.Throttling, Timing = FaultTiming.BeforeWrite }, new { Op = injected.Fault.Operation, injected.Fault.Kind, injected.Fault.Timing });
        Assert.True(InjectedStoreFaultException.IsInjected(error));
        Assert.Null(await _inner.GetAsync("k"));
        Assert.Equal(1, store.CountInjected(StoreOperations.Begin));
        Assert.Equal(1, store.CountInjected(StoreFaultKind.Throttling));
    }

    [Fact]
    public async Task Given_a_fault_after_the_write_on_begin_When_beginning_Then_the_record_is_taken_although_the_caller_got_an_error()
    {
        var store = new FaultInjectingIdempotencyStore(_inner).FailNext(StoreOperations.Begin, timing: FaultTiming.AfterWrite);

        await Assert.ThrowsAsync<IdempotencyPersistenceException>(() => store.TryBeginAsync(Begin("k", "o1")).AsTask());

        var record = await _inner.GetAsync("k");
        Assert.Equal(IdempotencyRecordStatus.InProgress, record!.Status);
        Assert.Equal("o1", record.OwnerToken);
    }

    [Fact]
    public async Task Given_a_fault_after_the_write_on_complete_When_completing_Then_the_record_is_completed_although_the_caller_got_an_error()
    {
        var store = new FaultInjectingIdempotencyStore(_inner).FailNext(StoreOperations.Complete, timing: FaultTiming.AfterWrite);
        await store.TryBeginAsync(Begin("k", "o1"));

        await Assert.ThrowsAsync<IdempotencyPersistenceException>(() => store.CompleteAsync(Complete("k", "o1")).AsTask());

        Assert.Equal(IdempotencyRecordStatus.Completed, (await _inner.GetAsync("k"))!.Status);
    }

    [Fact]
    public async Task Given_a_fault_before_the_write_on_release_When_releasing_Then_the_record_stays_in_progress()
    {
        var store = new FaultInjectingIdempotencyStore(_inner).FailNext(StoreOperations.Release);
        await store.TryBeginAsync(Begin("k", "o1"));

        await Assert.ThrowsAsync<IdempotencyPersistenceException>(() => store.ReleaseAsync("k", "o1").AsTask());

        Assert.Equal(IdempotencyRecordStatus.InProgress, (await _inner.GetAsync("k"))!.Status);
        await store.ReleaseAsync("k", "o1"); // FailNext(1) is spent: the next release goes through
        Assert.Null(await _inner.GetAsync("k"));
    }

    [Fact]
    public async Task Given_a_timeout_rule_with_a_delay_When_it_fires_Then_the_call_is_slow_and_the_cause_is_a_TimeoutException()
    {
        var store = new FaultInjectingIdempotencyStore(_inner)
            .AddRule(new StoreFaultRule { Operations = StoreOperations.Get, Kind = StoreFaultKind.Timeout, Delay = TimeSpan.FromMilliseconds(60), MaxFaults = 1 });

        var stopwatch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<IdempotencyPersistenceException>(() => store.GetAsync("k").AsTask());

        Assert.True(stopwatch.Elapsed >= TimeSpan.FromMilliseconds(50), $"The timeout returned after {stopwatch.Elapsed.TotalMilliseconds} ms.");
        Assert.IsType<TimeoutException>(error.InnerException!.InnerException);
        Assert.Null(await store.GetAsync("k"));
    }

    [Fact]
    public async Task Given_an_outage_When_it_is_on_Then_every_operation_fails_before_the_store_and_when_it_ends_calls_pass_again()
    {
        var store = new FaultInjectingIdempotencyStore(_inner);
        await store.TryBeginAsync(Begin("held", "o1"));

        store.StartOutage();
        Assert.True(store.IsOutage);
        await Assert.ThrowsAsync<IdempotencyPersistenceException>(() => store.TryBeginAsync(Begin("k", "o2")).AsTask());
        await Assert.ThrowsAsync<IdempotencyPersistenceException>(() => store.CompleteAsync(Complete("held", "o1")).AsTask());
        await Assert.ThrowsAsync<IdempotencyPersistenceException>(() => store.ReleaseAsync("held", "o1").AsTask());
        await Assert.ThrowsAsync<IdempotencyPersistenceException>(() => store.ExtendLeaseAsync(new ExtendLeaseRequest("held", "o1", Now.AddHours(1), Now.AddHours(1))).AsTask());
        await Assert.ThrowsAsync<IdempotencyPersistenceException>(() => store.GetAsync("held").AsTask());
        await Assert.ThrowsAsync<IdempotencyPersistenceException>(() => store.GetManyAsync(["held"]).AsTask());
        store.EndOutage();

        Assert.Equal(6, store.CountInjected(StoreFaultKind.Outage));
        Assert.Null(await _inner.GetAsync("k"));
        Assert.Equal(IdempotencyRecordStatus.InProgress, (await store.GetAsync("held"))!.Status);
    }

    [Fact]
    public async Task Given_the_same_seed_When_two_injectors_see_the_same_calls_Then_they_fail_the_same_calls()
    {
        static async Task<string> PatternAsync(int seed)
        {
            var store = new FaultInjectingIdempotencyStore(new InMemoryIdempotencyStore(), seed)
                .Inject(StoreOperations.Get, StoreFaultKind.Error, probability: 0.3, timing: FaultTiming.Either);
            var pattern = new char[200];
            for (var i = 0; i < pattern.Length; i++)
            {
                try
                {
                    await store.GetAsync("k");
                    pattern[i] = '.';
                }
                catch (IdempotencyPersistenceException ex) when (ex.InnerException is InjectedStoreFaultException injected)
                {
                    pattern[i] = injected.Fault.Timing == FaultTiming.AfterWrite ? 'A' : 'B';
                }
            }

            return new string(pattern);
        }

        var first = await PatternAsync(11);
        var second = await PatternAsync(11);
        var other = await PatternAsync(12);

        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
        Assert.Contains('A', first);
        Assert.Contains('B', first);
    }

    [Fact]
    public async Task Given_a_probability_When_many_calls_are_made_Then_the_fault_rate_is_close_to_it()
    {
        var store = new FaultInjectingIdempotencyStore(_inner, seed: 3).Inject(StoreOperations.Get, probability: 0.2);
        for (var i = 0; i < 5000; i++)
        {
            try
            {
                await store.GetAsync("k");
            }
            catch (IdempotencyPersistenceException)
            {
                // counted by the injector
            }
        }

        Assert.InRange(store.InjectedFaultCount, 900, 1100);
        Assert.Equal(store.InjectedFaultCount, store.InjectedFaults.Count);
    }

    [Fact]
    public async Task Given_a_rule_limited_to_one_key_and_two_faults_When_calls_hit_several_keys_Then_only_two_calls_on_that_key_fail()
    {
        var store = new FaultInjectingIdempotencyStore(_inner)
            .AddRule(new StoreFaultRule { Operations = StoreOperations.Get, KeyFilter = k => k == "bad", MaxFaults = 2, Kind = StoreFaultKind.Error });

        var failures = new List<string>();
        foreach (var key in new[] { "good", "bad", "good", "bad", "bad", "good" })
        {
            try
            {
                await store.GetAsync(key);
            }
            catch (IdempotencyPersistenceException ex) when (InjectedStoreFaultException.IsInjected(ex))
            {
                failures.Add(key);
            }
        }

        Assert.Equal(["bad", "bad"], failures);
        Assert.All(store.InjectedFaults, f => Assert.Equal("bad", f.Key));
    }

    [Fact]
    public async Task Given_rules_are_paused_or_cleared_When_calls_are_made_Then_nothing_is_injected()
    {
        var store = new FaultInjectingIdempotencyStore(_inner).Inject(StoreOperations.All);

        store.RulesEnabled = false;
        await store.GetAsync("k");
        store.RulesEnabled = true;
        store.ClearRules();
        await store.GetAsync("k");

        Assert.Equal(0, store.InjectedFaultCount);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void Given_a_probability_outside_0_to_1_When_adding_the_rule_Then_it_is_refused(double probability)
    {
        var store = new FaultInjectingIdempotencyStore(_inner);

        Assert.Throws<ArgumentOutOfRangeException>(() => store.Inject(StoreOperations.All, probability: probability));
    }

    [Fact]
    public void Given_an_outage_kind_When_adding_a_rule_Then_it_is_refused_because_outages_are_a_switch()
    {
        var store = new FaultInjectingIdempotencyStore(_inner);

        Assert.Throws<ArgumentException>(() => store.Inject(StoreOperations.All, StoreFaultKind.Outage));
    }

    [Fact]
    public async Task Given_an_executor_over_the_injector_When_completion_fails_after_its_write_Then_the_retry_replays_instead_of_running_the_handler_again()
    {
        var store = new FaultInjectingIdempotencyStore(_inner).FailNext(StoreOperations.Complete, kind: StoreFaultKind.Timeout, timing: FaultTiming.AfterWrite);
        var executor = new IdempotencyExecutor(store, new IdempotencyOptions { KeyPrefix = "kit" });
        var runs = 0;
        ValueTask<int> Handler(string payload, CancellationToken ct) => ValueTask.FromResult(++runs);

        await Assert.ThrowsAsync<IdempotencyPersistenceException>(() => executor.ExecuteAsync("order-1", Handler).AsTask());
        var second = await executor.ExecuteAsync("order-1", Handler);

        Assert.Equal(1, runs);
        Assert.Equal(1, second);
    }

    [Fact]
    public async Task Given_an_executor_over_the_injector_When_begin_fails_before_its_write_Then_the_handler_never_runs()
    {
        var store = new FaultInjectingIdempotencyStore(_inner).FailNext(StoreOperations.Begin);
        var executor = new IdempotencyExecutor(store, new IdempotencyOptions { KeyPrefix = "kit" });
        var runs = 0;

        await Assert.ThrowsAsync<IdempotencyPersistenceException>(() =>
            executor.ExecuteAsync("order-1", (string _, CancellationToken _) => ValueTask.FromResult(++runs)).AsTask());

        Assert.Equal(0, runs);
        Assert.Equal(0, _inner.Count);
    }
}
