using Amazon.SQS;
using Amazon.SQS.Model;
using IdempotentConsumer.Hosting.Transport;
using IdempotentConsumer.Hosting.Worker;
using IdempotentConsumer.Sqs;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using Xunit;

namespace IdempotentConsumer.Hosting.Tests.Unit;

public sealed class RedrivePolicyReaderTests
{
    [Theory]
    [InlineData("{\"deadLetterTargetArn\":\"arn:aws:sqs:eu-west-1:000000000000:dlq\",\"maxReceiveCount\":5}", 5)]
    [InlineData("{\"deadLetterTargetArn\":\"arn\",\"maxReceiveCount\":\"3\"}", 3)]
    [InlineData("{\"deadLetterTargetArn\":\"arn\"}", null)]
    [InlineData("{\"maxReceiveCount\":0}", null)]
    [InlineData("not json", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void Given_a_redrive_policy_When_parsed_Then_max_receive_count_is_read_as_number_or_string(string? json, int? expected)
    {
        Assert.Equal(expected, SqsRedrivePolicy.ParseMaxReceiveCount(json));
    }

    [Fact]
    public async Task Given_the_attributes_cannot_be_read_When_starting_Then_the_count_is_unknown_and_nothing_throws()
    {
        var sqs = new Mock<IAmazonSQS>();
        sqs.Setup(s => s.GetQueueAttributesAsync(It.IsAny<GetQueueAttributesRequest>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new AmazonSQSException("access denied"));

        Assert.Null(await RedrivePolicyReader.TryReadMaxReceiveCountAsync(new AwsSqsTransport(sqs.Object), "q", NullLogger.Instance, CancellationToken.None));
    }

    [Fact]
    public async Task Given_the_sdk_returns_null_attributes_When_starting_Then_the_count_is_unknown()
    {
        var sqs = new Mock<IAmazonSQS>();
        sqs.Setup(s => s.GetQueueAttributesAsync(It.IsAny<GetQueueAttributesRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new GetQueueAttributesResponse { Attributes = null });

        Assert.Null(await RedrivePolicyReader.TryReadMaxReceiveCountAsync(new AwsSqsTransport(sqs.Object), "q", NullLogger.Instance, CancellationToken.None));
    }
}
