using System.Net;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Stores;
using Moq;
using Xunit;

namespace IdempotentConsumer.DynamoDB.Tests.Behaviour;

/// <summary>
/// Failures the emulators cannot produce on demand (throttling, 5xx, timeouts, unprocessed batch keys),
/// simulated with a mocked client: what reaches the caller once the SDK has given up.
/// </summary>
public sealed class ErrorMappingTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly Mock<IAmazonDynamoDB> _client = new(MockBehavior.Strict);
    private readonly DynamoDbIdempotencyStoreOptions _options = new() { TableName = "orders-idempotency", MaxBatchGetAttempts = 3 };

    private DynamoDbIdempotencyStore Store => new(_client.Object, _options);

    [Fact]
    public async Task Given_DynamoDB_throttles_When_an_attempt_begins_Then_a_transient_persistence_error_carries_the_SDK_exception()
    {
        var throttled = new ProvisionedThroughputExceededException("Rate of requests exceeds the allowed throughput.")
        {
            ErrorCode = "ProvisionedThroughputExceededException",
            StatusCode = HttpStatusCode.BadRequest,
        };
        _client.Setup(c => c.PutItemAsync(It.IsAny<PutItemRequest>(), It.IsAny<CancellationToken>())).ThrowsAsync(throttled);

        var error = await Assert.ThrowsAsync<IdempotencyPersistenceException>(async () => await Store.TryBeginAsync(Begin("k-1")));

        Assert.Same(throttled, error.InnerException);
        Assert.True(error.IsTransient);
        Assert.Contains("ProvisionedThroughputExceededException", error.Message);
        Assert.Contains("orders-idempotency", error.Message);
        Assert.Contains("k-1", error.Message);
    }

    [Fact]
    public async Task Given_DynamoDB_answers_500_When_completing_Then_a_persistence_error_not_a_stale_owner_is_raised()
    {
        var serverError = new InternalServerErrorException("Internal server error") { StatusCode = HttpStatusCode.InternalServerError, ErrorCode = "InternalServerError" };
        _client.Setup(c => c.UpdateItemAsync(It.IsAny<UpdateItemRequest>(), It.IsAny<CancellationToken>())).ThrowsAsync(serverError);

        var error = await Assert.ThrowsAsync<IdempotencyPersistenceException>(async () =>
            await Store.CompleteAsync(new CompleteRequest("k-1", "owner", T0.AddHours(1), "\"r\"", null)));

        Assert.Same(serverError, error.InnerException);
        Assert.Contains("HTTP 500", error.Message);
    }

    [Fact]
    public async Task Given_the_HTTP_request_times_out_When_reading_Then_it_is_a_persistence_error()
    {
        var timeout = new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout.");
        _client.Setup(c => c.GetItemAsync(It.IsAny<GetItemRequest>(), It.IsAny<CancellationToken>())).ThrowsAsync(timeout);

        var error = await Assert.ThrowsAsync<IdempotencyPersistenceException>(async () => await Store.GetAsync("k-1"));

        Assert.Same(timeout, error.InnerException);
        Assert.Contains("timed out", error.Message);
    }

    [Fact]
    public async Task Given_the_network_fails_When_releasing_Then_it_is_a_persistence_error()
    {
        var network = new HttpRequestException("Connection refused");
        _client.Setup(c => c.DeleteItemAsync(It.IsAny<DeleteItemRequest>(), It.IsAny<CancellationToken>())).ThrowsAsync(network);

        var error = await Assert.ThrowsAsync<IdempotencyPersistenceException>(async () => await Store.ReleaseAsync("k-1", "owner"));

        Assert.Same(network, error.InnerException);
    }

    [Fact]
    public async Task Given_the_caller_cancels_mid_call_When_the_SDK_throws_Then_the_cancellation_propagates_unwrapped()
    {
        using var cancellation = new CancellationTokenSource();
        _client.Setup(c => c.PutItemAsync(It.IsAny<PutItemRequest>(), It.IsAny<CancellationToken>()))
            .Returns<PutItemRequest, CancellationToken>((_, token) =>
            {
                cancellation.Cancel();
                return Task.FromException<PutItemResponse>(new OperationCanceledException(token));
            });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await Store.TryBeginAsync(Begin("k-1"), cancellation.Token));
    }

    [Fact]
    public async Task Given_BatchGetItem_leaves_keys_unprocessed_When_reading_many_Then_only_those_keys_are_asked_again_and_all_records_return()
    {
        var requests = new List<BatchGetItemRequest>();
        _client.SetupSequence(c => c.BatchGetItemAsync(It.IsAny<BatchGetItemRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new BatchGetItemResponse
            {
                Responses = new() { ["orders-idempotency"] = [Item("k-1")] },
                UnprocessedKeys = new() { ["orders-idempotency"] = new KeysAndAttributes { Keys = [Key("k-2")] } },
            })
            .ReturnsAsync(new BatchGetItemResponse
            {
                Responses = new() { ["orders-idempotency"] = [Item("k-2")] },
                UnprocessedKeys = new(),
            });
        _client.Invocations.Clear();

        var found = await Store.GetManyAsync(["k-1", "k-2", "k-3"]);

        Assert.Equal(["k-1", "k-2"], found.Keys.Order());
        var calls = _client.Invocations.Select(i => Assert.IsType<BatchGetItemRequest>(i.Arguments[0])).ToList();
        Assert.Equal(2, calls.Count);
        Assert.Equal(3, calls[0].RequestItems["orders-idempotency"].Keys.Count);
        Assert.Equal("k-2", Assert.Single(calls[1].RequestItems["orders-idempotency"].Keys)["id"].S);
        Assert.True(calls[1].RequestItems["orders-idempotency"].ConsistentRead == true);
    }

    [Fact]
    public async Task Given_BatchGetItem_keeps_keys_unprocessed_When_reading_many_Then_it_gives_up_after_the_configured_attempts_with_a_persistence_error()
    {
        _client.Setup(c => c.BatchGetItemAsync(It.IsAny<BatchGetItemRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(() => new BatchGetItemResponse
            {
                Responses = new(),
                UnprocessedKeys = new() { ["orders-idempotency"] = new KeysAndAttributes { Keys = [Key("k-1")] } },
            });

        var error = await Assert.ThrowsAsync<IdempotencyPersistenceException>(async () => await Store.GetManyAsync(["k-1"]));

        Assert.Contains("unprocessed", error.Message);
        Assert.Equal(3, _client.Invocations.Count);
    }

    [Fact]
    public async Task Given_more_than_a_hundred_keys_When_reading_many_Then_they_are_split_into_batches_of_a_hundred()
    {
        var sizes = new List<int>();
        _client.Setup(c => c.BatchGetItemAsync(It.IsAny<BatchGetItemRequest>(), It.IsAny<CancellationToken>()))
            .Callback<BatchGetItemRequest, CancellationToken>((request, _) => sizes.Add(request.RequestItems["orders-idempotency"].Keys.Count))
            .ReturnsAsync(new BatchGetItemResponse());

        var found = await Store.GetManyAsync(Enumerable.Range(0, 250).Select(i => $"k-{i}").Concat(["k-0"]).ToList());

        Assert.Empty(found);
        Assert.Equal([100, 100, 50], sizes);
    }

    private static BeginRequest Begin(string key) => new(key, "owner", T0, T0.AddHours(1), T0.AddMinutes(5), null);

    private static Dictionary<string, AttributeValue> Key(string key) => new() { ["id"] = new AttributeValue { S = key } };

    private static Dictionary<string, AttributeValue> Item(string key) => new()
    {
        ["id"] = new AttributeValue { S = key },
        ["status"] = new AttributeValue { S = "INPROGRESS" },
        ["expiration"] = new AttributeValue { N = T0.AddHours(1).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture) },
        ["in_progress_expiration"] = new AttributeValue { N = T0.AddMinutes(5).ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture) },
        ["owner_token"] = new AttributeValue { S = "owner" },
    };
}
