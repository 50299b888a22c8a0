using IdempotentConsumer.Dispositions;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Hosting.Worker;
using IdempotentConsumer.Pipeline;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace IdempotentConsumer.Hosting.Tests.Unit;

/// <summary>
/// How the worker maps a pipeline result to SQS: the disposition comes from the core <see cref="DispositionPolicy"/>
/// (decided once, with the delivery's receive count), and <see cref="SqsQueueAction.For"/> adds only what the worker knows.
/// </summary>
public sealed class SqsQueueActionTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly QueueActions Policy = new(
        new RedeliveryOptions
        {
            InitialDelay = TimeSpan.FromSeconds(2),
            Multiplier = 2,
            MaxDelay = TimeSpan.FromMinutes(5),
            UseJitter = false,
            InProgressDelay = TimeSpan.FromSeconds(3),
        },
        maxReceiveCount: 4,
        new FakeTimeProvider(Now));

    private static MessageProcessingResult Result(MessageProcessingStatus status, Exception? error = null) => new("m-1", status, null, error, "k#1", new DispositionPolicy().Decide(status, error, 1));

    [Theory]
    [InlineData(MessageProcessingStatus.Succeeded)]
    [InlineData(MessageProcessingStatus.Replayed)]
    public void Given_a_success_or_replay_When_decided_Then_the_message_is_deleted(MessageProcessingStatus status)
    {
        var disposition = Policy.Decide(Result(status), receiveCount: 1, abandoned: false, lost: false);

        Assert.Equal(SqsQueueActionKind.Delete, disposition.Kind);
    }

    [Fact]
    public void Given_a_success_after_the_heartbeat_lost_the_lease_When_decided_Then_the_message_is_still_deleted()
    {
        var disposition = Policy.Decide(Result(MessageProcessingStatus.Succeeded), receiveCount: 1, abandoned: true, lost: true);

        Assert.Equal(SqsQueueActionKind.Delete, disposition.Kind);
    }

    [Fact]
    public void Given_a_handler_failure_When_decided_Then_visibility_backs_off_by_receive_count()
    {
        var disposition = Policy.Decide(Result(MessageProcessingStatus.Failed, new InvalidOperationException("boom")), receiveCount: 3, abandoned: false, lost: false);

        Assert.Equal(SqsQueueActionKind.Retry, disposition.Kind);
        Assert.Equal(8, disposition.VisibilitySeconds);
        Assert.Equal("failure", disposition.Reason);
        Assert.False(disposition.ReachedMaxReceiveCount);
    }

    [Fact]
    public void Given_the_key_is_in_progress_elsewhere_without_a_known_lease_end_When_decided_Then_the_configured_delay_not_a_delete()
    {
        var disposition = Policy.Decide(
            Result(MessageProcessingStatus.Failed, new IdempotencyAlreadyInProgressException("busy")), receiveCount: 5, abandoned: false, lost: false);

        Assert.Equal(SqsQueueActionKind.Retry, disposition.Kind);
        Assert.Equal(3, disposition.VisibilitySeconds);
        Assert.Equal("in_progress", disposition.Reason);
    }

    [Fact]
    public void Given_the_blocking_lease_lapses_in_40_seconds_When_decided_Then_the_message_is_hidden_until_then_plus_a_margin()
    {
        var error = new IdempotencyAlreadyInProgressException("busy", Now.AddSeconds(40));

        var disposition = Policy.Decide(Result(MessageProcessingStatus.Failed, error), receiveCount: 2, abandoned: false, lost: false);

        Assert.Equal(SqsQueueActionKind.Retry, disposition.Kind);
        Assert.Equal(41, disposition.VisibilitySeconds);
        Assert.Equal("in_progress", disposition.Reason);
        Assert.False(disposition.ReachedMaxReceiveCount);
    }

    [Theory]
    [InlineData(20, 15 * 60)]
    [InlineData(24 * 60, 15 * 60)]
    public void Given_a_blocking_lease_longer_than_the_cap_When_decided_Then_the_delay_is_the_cap(int leaseMinutes, int expectedSeconds)
    {
        var error = new IdempotencyAlreadyInProgressException("busy", Now.AddMinutes(leaseMinutes));

        var disposition = Policy.Decide(Result(MessageProcessingStatus.Failed, error), receiveCount: 2, abandoned: false, lost: false);

        Assert.Equal(expectedSeconds, disposition.VisibilitySeconds);
    }

    [Fact]
    public void Given_a_cap_above_the_sqs_maximum_When_the_blocking_lease_is_longer_Then_the_delay_is_twelve_hours()
    {
        var policy = new QueueActions(new RedeliveryOptions { MaxInProgressDelay = TimeSpan.FromDays(2) }, maxReceiveCount: 3, new FakeTimeProvider(Now));
        var error = new IdempotencyAlreadyInProgressException("busy", Now.AddDays(1));

        var disposition = policy.Decide(Result(MessageProcessingStatus.Failed, error), receiveCount: 2, abandoned: false, lost: false);

        Assert.Equal(43_200, disposition.VisibilitySeconds);
    }

    [Fact]
    public void Given_a_blocking_lease_that_already_lapsed_When_decided_Then_it_comes_back_after_one_second()
    {
        var error = new IdempotencyAlreadyInProgressException("busy", Now.AddSeconds(-30));

        var disposition = Policy.Decide(Result(MessageProcessingStatus.Failed, error), receiveCount: 2, abandoned: false, lost: false);

        Assert.Equal(1, disposition.VisibilitySeconds);
    }

    [Fact]
    public void Given_the_response_was_not_stored_When_decided_Then_the_message_is_deleted()
    {
        var notStored = new MessageProcessingResult("m-1", MessageProcessingStatus.Succeeded, null, new IdempotencyResponseNotStoredException("too big", null), "k#1", MessageDisposition.Acknowledge);

        var disposition = Policy.Decide(notStored, receiveCount: 1, abandoned: false, lost: false);

        Assert.Equal(SqsQueueActionKind.Delete, disposition.Kind);
    }

    [Fact]
    public void Given_shutdown_cancelled_the_handler_When_decided_Then_the_message_is_handed_back_at_once()
    {
        var disposition = Policy.Decide(Result(MessageProcessingStatus.Failed, new TaskCanceledException()), receiveCount: 1, abandoned: true, lost: false);

        Assert.Equal(SqsQueueActionKind.HandBack, disposition.Kind);
        Assert.Equal(0, disposition.VisibilitySeconds);
    }

    [Fact]
    public void Given_a_real_failure_during_shutdown_When_decided_Then_it_backs_off_like_any_failure()
    {
        var disposition = Policy.Decide(Result(MessageProcessingStatus.Failed, new FormatException()), receiveCount: 1, abandoned: true, lost: false);

        Assert.Equal(SqsQueueActionKind.Retry, disposition.Kind);
        Assert.Equal(2, disposition.VisibilitySeconds);
    }

    [Fact]
    public void Given_the_heartbeat_lost_the_message_When_the_handler_failed_Then_the_queue_is_left_alone()
    {
        var disposition = Policy.Decide(Result(MessageProcessingStatus.Failed, new OperationCanceledException()), receiveCount: 1, abandoned: false, lost: true);

        Assert.Equal(SqsQueueActionKind.Leave, disposition.Kind);
    }

    [Theory]
    [InlineData(3, false)]
    [InlineData(4, true)]
    [InlineData(9, true)]
    public void Given_the_max_receive_count_When_a_delivery_fails_Then_it_is_flagged_for_the_dead_letter_queue_and_still_backs_off(int receiveCount, bool reached)
    {
        var disposition = Policy.Decide(Result(MessageProcessingStatus.Failed, new FormatException()), receiveCount, abandoned: false, lost: false);

        Assert.Equal(SqsQueueActionKind.Retry, disposition.Kind);
        Assert.Equal(reached, disposition.ReachedMaxReceiveCount);
        Assert.True(disposition.VisibilitySeconds >= 1);
    }

    [Fact]
    public void Given_no_known_max_receive_count_When_a_delivery_fails_often_Then_it_is_never_flagged()
    {
        var policy = new QueueActions(new RedeliveryOptions { UseJitter = false }, maxReceiveCount: null, TimeProvider.System);

        var disposition = policy.Decide(Result(MessageProcessingStatus.Failed, new FormatException()), 1000, abandoned: false, lost: false);

        Assert.False(disposition.ReachedMaxReceiveCount);
    }

    [Fact]
    public void Given_a_malformed_body_When_decided_Then_it_goes_back_as_poison_with_the_failure_backoff()
    {
        var disposition = Policy.Decide(Result(MessageProcessingStatus.Failed, new MessageDeserializationException("not json")), receiveCount: 2, abandoned: false, lost: false);

        Assert.Equal(SqsQueueActionKind.Retry, disposition.Kind);
        Assert.Equal("poison", disposition.Reason);
        Assert.Equal(4, disposition.VisibilitySeconds);
    }

    /// <summary>The pipeline's decision (with the delivery's receive count) followed by the worker's mapping, as a delivery meets them.</summary>
    private sealed class QueueActions(RedeliveryOptions options, int? maxReceiveCount, TimeProvider timeProvider)
    {
        private readonly DispositionPolicy _dispositions = new(options, timeProvider);

        public SqsQueueAction Decide(MessageProcessingResult result, int receiveCount, bool abandoned, bool lost) =>
            SqsQueueAction.For(result with { Disposition = _dispositions.Decide(result.Status, result.Error, receiveCount) }, receiveCount, abandoned, lost, maxReceiveCount);
    }
}
