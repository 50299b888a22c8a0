using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Pipeline;
using IdempotentConsumer.Records;
using IdempotentConsumer.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace IdempotentConsumer.Tests.Pipeline;

/// <summary>In-process retry of transient failures, inside the idempotency lease.</summary>
public sealed class RetryMiddlewareTests
{
    private static readonly MessageRetryOptions ImmediateRetries = new()
    {
        MaxRetryAttempts = 3,
        Delay = TimeSpan.Zero,
        UseJitter = false,
    };

    [Theory]
    [InlineData(typeof(TransientMessageException))]
    [InlineData(typeof(TimeoutException))]
    [InlineData(typeof(HttpRequestException))]
    [InlineData(typeof(IOException))]
    public async Task Given_a_handler_failing_transiently_twice_When_processed_with_retry_Then_it_succeeds_on_the_third_attempt(Type transient)
    {
        var attempts = new List<int>();
        var pipeline = new MessagePipelineBuilder<Order>()
            .UseRetry(ImmediateRetries)
            .Build((_, ctx, _) =>
            {
                attempts.Add(ctx.Attempt);
                return attempts.Count < 3 ? throw (Exception)Activator.CreateInstance(transient, "temporary")! : ValueTask.CompletedTask;
            });

        var result = await pipeline.ProcessAsync(PipelineHarness.OrderMessage("o-1"), PipelineHarness.NoServices);

        Assert.Equal(MessageProcessingStatus.Succeeded, result.Status);
        Assert.Equal([1, 2, 3], attempts);
    }

    [Theory]
    [InlineData(typeof(InvalidOperationException))]
    [InlineData(typeof(ArgumentException))]
    [InlineData(typeof(FormatException))]
    public async Task Given_a_handler_failing_with_a_non_transient_error_When_processed_with_retry_Then_it_is_not_retried_and_the_same_exception_is_reported(Type permanent)
    {
        var failure = (Exception)Activator.CreateInstance(permanent, "bad input")!;
        var attempts = 0;
        var pipeline = new MessagePipelineBuilder<Order>()
            .UseRetry(ImmediateRetries)
            .Build((_, _, _) =>
            {
                attempts++;
                throw failure;
            });

        var result = await pipeline.ProcessAsync(PipelineHarness.OrderMessage("o-1"), PipelineHarness.NoServices);

        Assert.Equal(1, attempts);
        Assert.Same(failure, result.Error);
    }

    [Fact]
    public async Task Given_a_handler_that_keeps_failing_transiently_When_retries_run_out_Then_the_last_exception_is_reported_after_one_plus_max_attempts()
    {
        var attempts = 0;
        var pipeline = new MessagePipelineBuilder<Order>()
            .UseRetry(ImmediateRetries)
            .Build((_, _, _) => throw new TransientMessageException($"attempt {++attempts}"));

        var result = await pipeline.ProcessAsync(PipelineHarness.OrderMessage("o-1"), PipelineHarness.NoServices);

        Assert.Equal(4, attempts);
        Assert.Equal("attempt 4", result.Error!.Message);
    }

    [Fact]
    public async Task Given_retry_inside_idempotency_When_the_handler_fails_transiently_then_succeeds_Then_all_attempts_share_one_lease_and_a_redelivery_replays()
    {
        var h = new ExecutorHarness();
        var owners = new List<string>();
        var pipeline = new MessagePipelineBuilder<Order>()
            .UseIdempotency(h.Executor)
            .UseRetry(ImmediateRetries)
            .Build((_, ctx, _) =>
            {
                owners.Add(ctx.Lease!.OwnerToken);
                return owners.Count < 3 ? throw new TimeoutException("shipping API slow") : ValueTask.CompletedTask;
            });

        var first = await pipeline.ProcessAsync(PipelineHarness.OrderMessage("o-1"), PipelineHarness.NoServices);
        var redelivery = await pipeline.ProcessAsync(PipelineHarness.OrderMessage("o-1"), PipelineHarness.NoServices);

        Assert.Equal(MessageProcessingStatus.Succeeded, first.Status);
        Assert.Equal(3, owners.Count);
        Assert.Single(owners.Distinct());
        Assert.Equal(MessageProcessingStatus.Replayed, redelivery.Status);
        Assert.Equal(3, owners.Count);
    }

    [Fact]
    public async Task Given_retry_inside_idempotency_When_every_attempt_fails_Then_the_record_is_released_once_and_the_redelivery_runs_again()
    {
        var h = new ExecutorHarness();
        var attempts = 0;
        var pipeline = new MessagePipelineBuilder<Order>()
            .UseIdempotency(h.Executor)
            .UseRetry(ImmediateRetries)
            .Build((_, _, _) => ++attempts <= 4 ? throw new TimeoutException("down") : ValueTask.CompletedTask);

        var first = await pipeline.ProcessAsync(PipelineHarness.OrderMessage("o-1"), PipelineHarness.NoServices);
        var redelivery = await pipeline.ProcessAsync(PipelineHarness.OrderMessage("o-1"), PipelineHarness.NoServices);

        Assert.Equal(MessageProcessingStatus.Failed, first.Status);
        Assert.IsType<TimeoutException>(first.Error);
        Assert.Equal(MessageProcessingStatus.Succeeded, redelivery.Status);
        Assert.Equal(5, attempts);
    }

    [Fact]
    public async Task Given_idempotency_inside_retry_When_the_key_is_in_progress_Then_the_rejection_is_not_retried()
    {
        var h = new ExecutorHarness();
        var now = h.Time.GetUtcNow();
        var key = h.KeyOf(new Order("o-1", "u-1", 3m));
        await h.InMemory.TryBeginAsync(new IdempotentConsumer.Stores.BeginRequest(key, "other", now, now.AddHours(1), now.AddMinutes(5), null));
        var retryAttempts = 0;
        var pipeline = new MessagePipelineBuilder<Order>()
            .UseRetry(ImmediateRetries)
            .Use((ctx, next) =>
            {
                retryAttempts++;
                return next(ctx);
            })
            .UseIdempotency(h.Executor)
            .Build((_, _, _) => ValueTask.CompletedTask);

        var result = await pipeline.ProcessAsync(PipelineHarness.OrderMessage("o-1"), PipelineHarness.NoServices);

        Assert.IsType<IdempotencyAlreadyInProgressException>(result.Error);
        Assert.Equal(1, retryAttempts);
        Assert.Equal(IdempotencyRecordStatus.InProgress, (await h.InMemory.GetAsync(key))!.Status);
    }

    [Fact]
    public async Task Given_retry_with_a_delay_and_a_fake_clock_When_a_transient_failure_happens_Then_the_next_attempt_waits_until_the_clock_passes_the_delay()
    {
        var time = new FakeTimeProvider();
        var attempts = 0;
        var pipeline = new MessagePipelineBuilder<Order>()
            .UseRetry(new MessageRetryOptions { MaxRetryAttempts = 1, Delay = TimeSpan.FromSeconds(3), UseJitter = false })
            .WithTimeProvider(time)
            .Build((_, _, _) => Interlocked.Increment(ref attempts) == 1 ? throw new TimeoutException("slow") : ValueTask.CompletedTask);

        var processing = pipeline.ProcessAsync(PipelineHarness.OrderMessage("o-1"), PipelineHarness.NoServices).AsTask();
        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref attempts) == 1, TimeSpan.FromSeconds(30)));

        time.Advance(TimeSpan.FromSeconds(2));
        await Task.Delay(50);
        Assert.Equal(1, Volatile.Read(ref attempts));
        Assert.False(processing.IsCompleted);

        time.Advance(TimeSpan.FromSeconds(1));
        var result = await processing.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(MessageProcessingStatus.Succeeded, result.Status);
        Assert.Equal(2, attempts);
    }

    [Fact]
    public async Task Given_retry_turned_off_When_a_transient_failure_happens_Then_it_runs_once()
    {
        var attempts = 0;
        var pipeline = new MessagePipelineBuilder<Order>()
            .UseRetry(new MessageRetryOptions { MaxRetryAttempts = 0 })
            .Build((_, _, _) =>
            {
                attempts++;
                throw new TimeoutException();
            });

        await pipeline.ProcessAsync(PipelineHarness.OrderMessage("o-1"), PipelineHarness.NoServices);

        Assert.Equal(1, attempts);
    }

    [Fact]
    public void Given_the_default_classifier_When_asked_about_idempotency_errors_Then_only_persistence_failures_are_transient()
    {
        Assert.True(TransientErrorClassifier.IsTransient(new IdempotencyPersistenceException("x")));
        Assert.False(TransientErrorClassifier.IsTransient(new IdempotencyAlreadyInProgressException("x")));
        Assert.False(TransientErrorClassifier.IsTransient(new IdempotencyValidationException("x")));
        Assert.False(TransientErrorClassifier.IsTransient(new MessageDeserializationException("x")));
    }
}
