using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Execution;
using IdempotentConsumer.Keys;
using IdempotentConsumer.Pipeline;
using IdempotentConsumer.Records;
using IdempotentConsumer.Reliability.Tests.Support;
using IdempotentConsumer.Stores;
using Xunit;

namespace IdempotentConsumer.Reliability.Tests.BadInput;

/// <summary>
/// Bad input through the message pipeline (what every adapter runs), on each store: each case must fail
/// with a typed error, only that message fails, and every good message of the batch is processed once.
/// </summary>
public abstract class BadInputSuite : IAsyncLifetime
{
    private const string LoneSurrogate = "\ud800";

    /// <summary>The store the batch runs on, created before each test.</summary>
    protected IIdempotencyStore Store { get; private set; } = null!;

    /// <summary>Creates the store for one test.</summary>
    protected abstract Task<IIdempotencyStore> CreateStoreAsync();

    /// <inheritdoc />
    public async Task InitializeAsync() => Store = await CreateStoreAsync();

    /// <inheritdoc />
    public virtual async Task DisposeAsync()
    {
        if (Store is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
    }

    /// <summary>Bad bodies for an <see cref="Order"/> consumer keyed by <c>OrderId</c>, each with its typed error.</summary>
    public static IReadOnlyList<BadInputCase> TypedOrderCaseList { get; } =
    [
        new("malformed JSON", """{"orderId":"order-bad",""", typeof(MessageDeserializationException)),
        new("empty body", "", typeof(MessageDeserializationException)),
        new("whitespace body", "  \n\t ", typeof(MessageDeserializationException)),
        new("JSON null", "null", typeof(MessageDeserializationException)),
        new("an array instead of an order", "[1,2,3]", typeof(MessageDeserializationException)),
        new("a string instead of an order", "\"order-bad\"", typeof(MessageDeserializationException)),
        new("a number in the key field", """{"orderId":12,"userId":"u","productId":"p"}""", typeof(MessageDeserializationException)),
        new("an object in the key field", """{"orderId":{"id":"order-bad"},"userId":"u","productId":"p"}""", typeof(MessageDeserializationException)),
        new("missing key field (a wrong-shape body)", """{"userId":"u","productId":"p"}""", typeof(MessageDeserializationException)),
        new("null key field", """{"orderId":null,"userId":"u","productId":"p"}""", typeof(MessageDeserializationException)),
        new("empty key field", """{"orderId":"","userId":"u","productId":"p"}""", typeof(IdempotencyKeyMissingException)),
        new("an escaped lone surrogate in the key", """{"orderId":"order-\ud800","userId":"u","productId":"p"}""", typeof(MessageDeserializationException)),
    ];

    public static TheoryData<BadInputCase> TypedOrderCases() => new(TypedOrderCaseList);

    [Theory]
    [MemberData(nameof(TypedOrderCases))]
    public async Task Given_a_bad_order_in_a_batch_When_the_pipeline_runs_Then_only_it_fails_with_a_typed_error_and_the_others_ship_once(BadInputCase bad)
    {
        var batch = new BadInputBatch<Order>(Store, IdempotencyKeySource.From<Order>(o => o.OrderId), o => o.OrderId);

        var result = await batch.RunAsync(bad.Body);

        batch.AssertFailedWith(result, bad.ExpectedError);
    }

    public static TheoryData<BadInputCase> JmesPathCases() =>
    [
        new("malformed JSON", """{"orderId":"order-bad",""", typeof(MessageDeserializationException)),
        new("empty body", "", typeof(MessageDeserializationException)),
        new("missing key field", """{"userId":"u"}""", typeof(IdempotencyKeyMissingException)),
        new("JSON of the wrong shape", "[1,2,3]", typeof(IdempotencyKeyMissingException)),
        new("an escaped lone surrogate in the key", """{"orderId":"order-\ud800"}""", typeof(IdempotencyKeyInvalidException)),
        new("a raw lone surrogate in the key", "{\"orderId\":\"order-" + LoneSurrogate + "\"}", typeof(IdempotencyKeyInvalidException)),
    ];

    [Theory]
    [MemberData(nameof(JmesPathCases))]
    public async Task Given_a_bad_raw_body_keyed_by_JMESPath_When_the_pipeline_runs_Then_only_it_fails_with_a_typed_error(BadInputCase bad)
    {
        var batch = new BadInputBatch<string>(Store, IdempotencyKeySource.FromJmesPath("orderId"), body => OrderIdOf(body));

        var result = await batch.RunAsync(bad.Body);

        batch.AssertFailedWith(result, bad.ExpectedError);
    }

    [Fact]
    public async Task Given_a_body_with_a_lone_surrogate_keyed_by_the_whole_payload_When_the_pipeline_runs_Then_it_fails_as_an_invalid_key_instead_of_colliding()
    {
        var batch = new BadInputBatch<string>(Store, IdempotencyKeySource.WholePayload, body => OrderIdOf(body));

        var result = await batch.RunAsync("order-" + LoneSurrogate);

        batch.AssertFailedWith(result, typeof(IdempotencyKeyInvalidException));
    }

    [Fact]
    public async Task Given_a_key_field_of_100_000_characters_When_processed_twice_Then_it_is_hashed_to_a_short_key_and_ships_once()
    {
        var store = Store;
        var batch = new BadInputBatch<Order>(store, IdempotencyKeySource.From<Order>(o => o.OrderId), o => o.OrderId);
        var hugeId = "huge-" + new string('x', 100_000);
        var body = System.Text.Json.JsonSerializer.Serialize(new Order(hugeId, "u", "p"), System.Text.Json.JsonSerializerOptions.Web);

        var first = await batch.RunAsync(body);
        var second = await batch.Pipeline.ProcessAsync(new IncomingMessage { MessageId = "again", Body = body }, new NoServices());

        Assert.Equal(MessageProcessingStatus.Succeeded, first.Status);
        Assert.Equal(MessageProcessingStatus.Replayed, second.Status);
        Assert.True(first.IdempotencyKey!.Length < 200, $"The key is {first.IdempotencyKey.Length} characters long.");
        Assert.Equal(1, batch.Shipping.ShipmentsByOrder[hugeId]);
    }

    [Fact]
    public async Task Given_a_completed_record_whose_stored_response_is_corrupt_When_its_duplicate_arrives_Then_only_it_fails_as_a_corrupt_record()
    {
        var store = Store;
        var batch = new BadInputBatch<Order>(store, IdempotencyKeySource.From<Order>(o => o.OrderId), o => o.OrderId);
        var tampered = new Order("order-tampered", "u", "p");
        Assert.True(batch.Executor.TryGetKey(new IdempotencyInvocation<Order>(tampered), out var key));
        var now = DateTimeOffset.UtcNow;
        Assert.True((await store.TryBeginAsync(new BeginRequest(key, "someone", now, now.AddHours(1), now.AddMinutes(5), null))).Acquired);
        await store.CompleteAsync(new CompleteRequest(key, "someone", now.AddHours(1), "{\"shipped\": tru", null));

        var result = await batch.RunAsync(System.Text.Json.JsonSerializer.Serialize(tampered, System.Text.Json.JsonSerializerOptions.Web));

        batch.AssertFailedWith(result, typeof(IdempotencyCorruptRecordException));
        Assert.Equal(IdempotencyRecordStatus.Completed, (await store.GetAsync(key))!.Status); // left for an operator, not overwritten
    }

    private static string OrderIdOf(string body)
    {
        using var document = System.Text.Json.JsonDocument.Parse(body);
        return document.RootElement.GetProperty("orderId").GetString()!;
    }

    private sealed class NoServices : IServiceProvider
    {
        public object? GetService(Type serviceType) => null;
    }
}
