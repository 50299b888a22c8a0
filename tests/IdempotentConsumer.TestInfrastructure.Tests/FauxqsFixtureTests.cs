using Amazon.SQS.Model;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using Xunit;
using Xunit.Abstractions;

namespace IdempotentConsumer.TestInfrastructure.Tests;

/// <summary>fauxqs starts bound to 127.0.0.1, carries a message through the SDK, and stops by pid.</summary>
public sealed class FauxqsFixtureTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Given_fauxqs_When_started_Then_a_message_sent_through_the_SDK_is_received_and_its_port_closes_after_dispose()
    {
        await EmulatorLifecycle.RunAsync(new FauxqsFixture(), output, async fixture =>
        {
            using var client = fixture.CreateSqsClient();
            var name = $"fixture-{Guid.NewGuid():N}";

            var queue = await client.CreateQueueAsync(new CreateQueueRequest(name));
            var listed = await client.ListQueuesAsync(new ListQueuesRequest { QueueNamePrefix = "fixture-" });
            await client.SendMessageAsync(new SendMessageRequest(queue.QueueUrl, "{\"orderId\":\"o-1\"}"));
            var received = await client.ReceiveMessageAsync(new ReceiveMessageRequest(queue.QueueUrl) { WaitTimeSeconds = 1, MaxNumberOfMessages = 10 });

            Assert.Contains(queue.QueueUrl, listed.QueueUrls ?? []);
            var message = Assert.Single(received.Messages ?? []);
            Assert.Equal("{\"orderId\":\"o-1\"}", message.Body);
            await client.DeleteMessageAsync(queue.QueueUrl, message.ReceiptHandle);
        });
    }
}
