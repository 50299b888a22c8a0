using System.Text.Json;
using Amazon.SQS.Model;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Execution;
using IdempotentConsumer.Hosting.Tests.Support;
using IdempotentConsumer.Keys;
using IdempotentConsumer.Sqs.Producer.Sending;
using IdempotentConsumer.Stores;
using Microsoft.Extensions.Time.Testing;
using Moq;
using Xunit;

namespace IdempotentConsumer.Hosting.Tests.Unit.Producer;

public sealed class IdempotentSqsSenderTests
{
    private readonly SqsSenders _senders = new();

    private static Order NewOrder(int i, string user = "u-1", int size = 0) => new($"o-{i}", user, new string('p', Math.Max(1, size)), i);

    [Fact]
    public void Given_one_order_serialized_with_its_fields_in_another_order_When_prepared_for_a_fifo_queue_Then_key_deduplication_id_and_group_are_the_same()
    {
        var sender = _senders.Create(SqsSenders.FifoQueue, o => o.KeySource = null); // whole body: the hardest case

        var first = sender.PrepareJson("""{"orderId":"o-1","userId":"u-1","productId":"p-1","sequence":1}""");
        var again = sender.PrepareJson("""{ "sequence": 1, "productId": "p-1", "userId": "u-1", "orderId": "o-1" }""");

        Assert.Equal(first.KeyHash, again.KeyHash);
        Assert.Equal(first.KeyHash, first.DeduplicationId);
        Assert.Equal(first.DeduplicationId, again.DeduplicationId);
        Assert.Equal("u-1", again.MessageGroupId);
        Assert.True(IdempotencyKeyAttribute.IsWellFormed(first.KeyHash, IdempotencyHashAlgorithm.Sha256));
    }

    [Fact]
    public void Given_a_sender_configured_like_the_consumer_When_a_message_is_prepared_Then_its_key_is_the_record_key_the_consumer_derives_from_the_body()
    {
        var sender = _senders.Create();
        var executor = new IdempotencyExecutor(new InMemoryIdempotencyStore(), new IdempotencyOptions
        {
            KeyPrefix = WorkerHosts.KeyPrefix,
            KeySource = IdempotencyKeySource.From<Order>(o => o.OrderId),
        });

        var prepared = sender.Prepare(NewOrder(7));
        var order = JsonSerializer.Deserialize<Order>(prepared.Body, JsonSerializerOptions.Web)!;
        Assert.True(executor.TryGetKey(new IdempotencyInvocation<Order>(order) { RawJson = prepared.Body }, out var consumerKey));

        Assert.Equal(consumerKey, prepared.IdempotencyKey);
        Assert.Equal($"{WorkerHosts.KeyPrefix}#{prepared.KeyHash}", prepared.IdempotencyKey);
        Assert.Null(prepared.DeduplicationId);
        Assert.Null(prepared.MessageGroupId);
    }

    [Fact]
    public void Given_a_body_that_is_not_json_When_prepared_Then_a_payload_error_is_raised()
    {
        var sender = _senders.Create();

        var error = Assert.Throws<SqsSendPayloadException>(() => sender.PrepareJson("""{"orderId": "o-1", """));

        Assert.IsAssignableFrom<JsonException>(error.InnerException);
    }

    [Fact]
    public async Task Given_a_batch_with_one_message_without_a_key_When_sent_Then_the_key_error_is_raised_and_nothing_is_sent()
    {
        var sender = _senders.Create();
        Order[] orders = [NewOrder(1), new Order(string.Empty, "u-1", "p-1"), NewOrder(3)];

        await Assert.ThrowsAsync<IdempotencyKeyMissingException>(() => sender.SendBatchAsync(orders));

        _senders.Sqs.Verify(s => s.SendMessageBatchAsync(It.IsAny<SendMessageBatchRequest>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Theory]
    [InlineData("")]
    [InlineData("user one")]
    [InlineData("usér")]
    public void Given_a_fifo_message_whose_group_id_sqs_would_refuse_When_prepared_Then_a_payload_error_is_raised(string group)
    {
        var sender = _senders.Create(SqsSenders.FifoQueue);

        Assert.Throws<SqsSendPayloadException>(() => sender.Prepare(NewOrder(1, user: group)));
    }

    [Fact]
    public void Given_a_fifo_queue_and_no_group_selector_When_the_sender_is_created_Then_it_is_a_configuration_error()
    {
        Assert.Throws<IdempotencyConfigurationException>(() => new IdempotentSqsSender<Order>(_senders.Sqs.Object, SqsSenders.Options(SqsSenders.FifoQueue)));
    }

    [Fact]
    public void Given_invalid_options_When_the_sender_is_created_Then_every_error_is_reported_at_once()
    {
        var error = Assert.Throws<IdempotencyConfigurationException>(() => _senders.Create(configure: o =>
        {
            o.QueueUrl = " ";
            o.MaxAttempts = 0;
            o.MaxBatchBytes = 10;
        }));

        Assert.Contains("QueueUrl", error.Message);
        Assert.Contains("MaxAttempts", error.Message);
        Assert.Contains("MaxBatchBytes", error.Message);
    }

    [Fact]
    public async Task Given_a_message_larger_than_sqs_takes_When_sent_in_a_batch_Then_a_payload_error_is_raised_and_nothing_is_sent()
    {
        var sender = _senders.Create();

        await Assert.ThrowsAsync<SqsSendPayloadException>(() => sender.SendBatchAsync([NewOrder(1), NewOrder(2, size: 256 * 1024)]));

        Assert.Empty(_senders.Requests);
    }

    [Fact]
    public async Task Given_25_messages_When_sent_Then_they_go_in_requests_of_10_10_and_5_each_stamped_with_its_key()
    {
        var sender = _senders.Create();
        var orders = Enumerable.Range(1, 25).Select(i => NewOrder(i)).ToList();

        var sent = await sender.SendBatchAsync(orders);

        Assert.Equal([10, 10, 5], _senders.Requests.Select(r => r.Entries.Count));
        Assert.Equal(orders.Select(o => o.OrderId), sent.Select(s => JsonSerializer.Deserialize<Order>(s.Message.Body, JsonSerializerOptions.Web)!.OrderId));
        var entries = _senders.Requests.SelectMany(r => r.Entries).ToList();
        Assert.All(entries.Zip(sent), pair =>
        {
            Assert.Equal(pair.Second.Message.KeyHash, pair.First.MessageAttributes["idempotency-key"].StringValue);
            Assert.Equal("String", pair.First.MessageAttributes["idempotency-key"].DataType);
            Assert.Null(pair.First.MessageDeduplicationId);
        });
    }

    [Fact]
    public async Task Given_messages_of_100_KiB_When_sent_Then_no_request_carries_more_than_256_KiB()
    {
        var sender = _senders.Create();
        var orders = Enumerable.Range(1, 5).Select(i => NewOrder(i, size: 100 * 1024)).ToList();

        var sent = await sender.SendBatchAsync(orders);

        Assert.Equal(5, sent.Count);
        Assert.Equal([2, 2, 1], _senders.Requests.Select(r => r.Entries.Count));
        Assert.All(_senders.Requests, r => Assert.True(
            r.Entries.Sum(e => e.MessageBody.Length + e.MessageAttributes.Sum(a => a.Key.Length + a.Value.DataType.Length + a.Value.StringValue.Length)) <= 256 * 1024));
    }

    [Fact]
    public async Task Given_a_fifo_queue_When_several_messages_of_a_group_are_sent_Then_each_request_holds_one_message_per_group_in_the_order_given()
    {
        var sender = _senders.Create(SqsSenders.FifoQueue);
        var orders = Enumerable.Range(1, 6).Select(i => NewOrder(i, user: i <= 4 ? "u-a" : "u-b")).ToList();

        await sender.SendBatchAsync(orders);

        Assert.All(_senders.Requests, r => Assert.Equal(r.Entries.Count, r.Entries.Select(e => e.MessageGroupId).Distinct().Count()));
        var groupA = _senders.Requests.SelectMany(r => r.Entries).Where(e => e.MessageGroupId == "u-a").Select(e => JsonSerializer.Deserialize<Order>(e.MessageBody, JsonSerializerOptions.Web)!.Sequence);
        Assert.Equal([1, 2, 3, 4], groupA);
        Assert.Equal(4, _senders.Requests.Count);
    }

    [Fact]
    public async Task Given_entries_that_fail_twice_When_sent_Then_they_are_retried_with_the_same_deduplication_id_and_key_and_accepted_on_the_third_attempt()
    {
        var sender = _senders.Create(SqsSenders.FifoQueue);
        var failures = new Dictionary<string, int>();
        _senders.Fail = entry =>
        {
            var body = entry.MessageBody;
            failures[body] = failures.GetValueOrDefault(body) + 1;
            return body.Contains("\"o-2\"", StringComparison.Ordinal) && failures[body] <= 2
                ? new BatchResultErrorEntry { Code = "InternalError", SenderFault = false, Message = "try again" }
                : null;
        };

        var sent = await sender.SendBatchAsync([NewOrder(1, "u-a"), NewOrder(2, "u-b"), NewOrder(3, "u-c")]);

        Assert.Equal([1, 3, 1], sent.Select(s => s.Attempts));
        var attempts = _senders.Requests.SelectMany(r => r.Entries).Where(e => e.MessageBody.Contains("\"o-2\"", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, attempts.Count);
        Assert.Single(attempts.Select(e => e.MessageDeduplicationId).Distinct());
        Assert.Single(attempts.Select(e => e.MessageAttributes["idempotency-key"].StringValue).Distinct());
        Assert.Equal(sent[1].Message.KeyHash, attempts[0].MessageDeduplicationId);
    }

    [Fact]
    public async Task Given_an_entry_that_always_fails_on_a_fifo_queue_When_attempts_run_out_Then_it_and_the_rest_of_its_group_are_unsent_and_other_groups_are_sent()
    {
        var sender = _senders.Create(SqsSenders.FifoQueue, o => o.MaxAttempts = 3);
        _senders.Fail = entry => entry.MessageBody.Contains("\"o-2\"", StringComparison.Ordinal)
            ? new BatchResultErrorEntry { Code = "InternalError", SenderFault = false, Message = "down" }
            : null;

        var error = await Assert.ThrowsAsync<SqsSendFailedException>(() =>
            sender.SendBatchAsync([NewOrder(1, "u-a"), NewOrder(2, "u-a"), NewOrder(3, "u-a"), NewOrder(4, "u-b")]));

        Assert.Equal(["o-1", "o-4"], error.Sent.Select(s => JsonSerializer.Deserialize<Order>(s.Message.Body, JsonSerializerOptions.Web)!.OrderId));
        Assert.Equal(["o-2", "o-3"], error.Unsent.Select(m => JsonSerializer.Deserialize<Order>(m.Body, JsonSerializerOptions.Web)!.OrderId));
        Assert.Equal(3, _senders.Requests.SelectMany(r => r.Entries).Count(e => e.MessageBody.Contains("\"o-2\"", StringComparison.Ordinal)));
        Assert.DoesNotContain(_senders.Requests.SelectMany(r => r.Entries), e => e.MessageBody.Contains("\"o-3\"", StringComparison.Ordinal));
        Assert.True(error.IsTransient);
    }

    [Fact]
    public async Task Given_an_entry_sqs_refuses_as_a_sender_fault_When_sent_Then_it_is_not_retried()
    {
        var sender = _senders.Create();
        _senders.Fail = _ => new BatchResultErrorEntry { Code = "InvalidParameterValue", SenderFault = true, Message = "no" };

        var error = await Assert.ThrowsAsync<SqsSendFailedException>(() => sender.SendAsync(NewOrder(1)));

        Assert.Single(error.Unsent);
        Assert.Single(_senders.Requests);
    }

    [Fact]
    public async Task Given_a_failed_entry_When_retried_Then_the_wait_runs_on_the_time_provider()
    {
        var time = new FakeTimeProvider();
        var sender = _senders.Create(configure: o => o.InitialRetryDelay = o.MaxRetryDelay = TimeSpan.FromSeconds(2), time: time);
        var calls = 0;
        _senders.Fail = _ => ++calls == 1 ? new BatchResultErrorEntry { Code = "InternalError", SenderFault = false, Message = "once" } : null;

        var sending = sender.SendAsync(NewOrder(1));
        await Eventually.TrueAsync(() => _senders.Requests.Count == 1, TimeSpan.FromSeconds(5));
        time.Advance(TimeSpan.FromSeconds(1));
        await Task.Delay(50);
        Assert.False(sending.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));

        var sent = await sending.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(2, sent.Attempts);
        Assert.Equal(2, _senders.Requests.Count);
    }
}
