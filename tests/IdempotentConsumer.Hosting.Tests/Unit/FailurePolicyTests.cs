using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Hosting.Options;
using IdempotentConsumer.Hosting.Worker;
using IdempotentConsumer.Pipeline;
using Xunit;

namespace IdempotentConsumer.Hosting.Tests.Unit;

public sealed class FailurePolicyTests
{
    private static readonly FailurePolicy Policy = new(
        new RedeliveryBackoff(new SqsRedeliveryOptions
        {
            InitialDelay = TimeSpan.FromSeconds(2),
            Multiplier = 2,
            MaxDelay = TimeSpan.FromMinutes(5),
            UseJitter = false,
            InProgressDelay = TimeSpan.FromSeconds(3),
        }),
        maxReceiveCount: 4);

    private static MessageProcessingResult Result(MessageProcessingStatus status, Exception? error = null) => new("m-1", status, null, error, "k#1");

    [Theory]
    [InlineData(MessageProcessingStatus.Succeeded)]
    [InlineData(MessageProcessingStatus.Replayed)]
    public void Given_a_success_or_replay_When_decided_Then_the_message_is_deleted(MessageProcessingStatus status)
    {
        var disposition = Policy.Decide(Result(status), receiveCount: 1, abandoned: false, lost: false);

        Assert.Equal(MessageDispositionKind.Delete, disposition.Kind);
    }

    [Fact]
    public void Given_a_success_after_the_heartbeat_lost_the_lease_When_decided_Then_the_message_is_still_deleted()
    {
        var disposition = Policy.Decide(Result(MessageProcessingStatus.Succeeded), receiveCount: 1, abandoned: true, lost: true);

        Assert.Equal(MessageDispositionKind.Delete, disposition.Kind);
    }

    [Fact]
    public void Given_a_handler_failure_When_decided_Then_visibility_backs_off_by_receive_count()
    {
        var disposition = Policy.Decide(Result(MessageProcessingStatus.Failed, new InvalidOperationException("boom")), receiveCount: 3, abandoned: false, lost: false);

        Assert.Equal(MessageDispositionKind.Retry, disposition.Kind);
        Assert.Equal(8, disposition.VisibilitySeconds);
        Assert.Equal("failure", disposition.Reason);
        Assert.False(disposition.ReachedMaxReceiveCount);
    }

    [Fact]
    public void Given_the_key_is_in_progress_elsewhere_When_decided_Then_a_short_backoff_not_a_delete()
    {
        var disposition = Policy.Decide(
            Result(MessageProcessingStatus.Failed, new IdempotencyAlreadyInProgressException("busy")), receiveCount: 5, abandoned: false, lost: false);

        Assert.Equal(MessageDispositionKind.Retry, disposition.Kind);
        Assert.Equal(3, disposition.VisibilitySeconds);
        Assert.Equal("in_progress", disposition.Reason);
    }

    [Fact]
    public void Given_shutdown_cancelled_the_handler_When_decided_Then_the_message_is_handed_back_at_once()
    {
        var disposition = Policy.Decide(Result(MessageProcessingStatus.Failed, new TaskCanceledException()), receiveCount: 1, abandoned: true, lost: false);

        Assert.Equal(MessageDispositionKind.HandBack, disposition.Kind);
        Assert.Equal(0, disposition.VisibilitySeconds);
    }

    [Fact]
    public void Given_a_real_failure_during_shutdown_When_decided_Then_it_backs_off_like_any_failure()
    {
        var disposition = Policy.Decide(Result(MessageProcessingStatus.Failed, new FormatException()), receiveCount: 1, abandoned: true, lost: false);

        Assert.Equal(MessageDispositionKind.Retry, disposition.Kind);
        Assert.Equal(2, disposition.VisibilitySeconds);
    }

    [Fact]
    public void Given_the_heartbeat_lost_the_message_When_the_handler_failed_Then_the_queue_is_left_alone()
    {
        var disposition = Policy.Decide(Result(MessageProcessingStatus.Failed, new OperationCanceledException()), receiveCount: 1, abandoned: false, lost: true);

        Assert.Equal(MessageDispositionKind.Leave, disposition.Kind);
    }

    [Theory]
    [InlineData(3, false)]
    [InlineData(4, true)]
    [InlineData(9, true)]
    public void Given_the_max_receive_count_When_a_delivery_fails_Then_it_is_flagged_for_the_dead_letter_queue_and_still_backs_off(int receiveCount, bool reached)
    {
        var disposition = Policy.Decide(Result(MessageProcessingStatus.Failed, new FormatException()), receiveCount, abandoned: false, lost: false);

        Assert.Equal(MessageDispositionKind.Retry, disposition.Kind);
        Assert.Equal(reached, disposition.ReachedMaxReceiveCount);
        Assert.True(disposition.VisibilitySeconds >= 1);
    }

    [Fact]
    public void Given_no_known_max_receive_count_When_a_delivery_fails_often_Then_it_is_never_flagged()
    {
        var policy = new FailurePolicy(new RedeliveryBackoff(new SqsRedeliveryOptions { UseJitter = false }), maxReceiveCount: null);

        var disposition = policy.Decide(Result(MessageProcessingStatus.Failed, new FormatException()), 1000, abandoned: false, lost: false);

        Assert.False(disposition.ReachedMaxReceiveCount);
    }
}
