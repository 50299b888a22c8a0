using IdempotentConsumer.Pipeline;
using Microsoft.Extensions.Configuration;

namespace IdempotentConsumer.Hosting.Options;

/// <summary>
/// Binds <see cref="SqsConsumerOptions"/> from configuration through source-generated binding calls, so a trimmed
/// or Native AOT host keeps them. The options also hold code-only members (serializer options, key sources,
/// the retry predicate) that the generated binder cannot handle, so each bindable member is named here.
/// Absent keys leave the current values.
/// </summary>
internal static class SqsConsumerOptionsBinder
{
    public static void Bind(IConfiguration configuration, SqsConsumerOptions options)
    {
        options.QueueUrl = configuration.GetValue(nameof(options.QueueUrl), options.QueueUrl)!;
        options.Name = configuration.GetValue(nameof(options.Name), options.Name);
        options.MaxConcurrency = configuration.GetValue(nameof(options.MaxConcurrency), options.MaxConcurrency);
        options.MaxNumberOfMessages = configuration.GetValue(nameof(options.MaxNumberOfMessages), options.MaxNumberOfMessages);
        options.ReceiveBatchWindow = configuration.GetValue(nameof(options.ReceiveBatchWindow), options.ReceiveBatchWindow);
        options.WaitTimeSeconds = configuration.GetValue(nameof(options.WaitTimeSeconds), options.WaitTimeSeconds);
        options.VisibilityTimeout = configuration.GetValue(nameof(options.VisibilityTimeout), options.VisibilityTimeout);
        options.HeartbeatInterval = configuration.GetValue(nameof(options.HeartbeatInterval), options.HeartbeatInterval);
        options.MaxReceiveCount = configuration.GetValue(nameof(options.MaxReceiveCount), options.MaxReceiveCount);
        options.HandBackTimeout = configuration.GetValue(nameof(options.HandBackTimeout), options.HandBackTimeout);
        options.UseIdempotency = configuration.GetValue(nameof(options.UseIdempotency), options.UseIdempotency);
        options.AllowSharedKeyPrefix = configuration.GetValue(nameof(options.AllowSharedKeyPrefix), options.AllowSharedKeyPrefix);
        configuration.GetSection(nameof(options.Redelivery)).Bind(options.Redelivery);
        configuration.GetSection(nameof(options.DeleteBatch)).Bind(options.DeleteBatch);
        configuration.GetSection(nameof(options.ErrorBackoff)).Bind(options.ErrorBackoff);
        BindRetry(configuration.GetSection(nameof(options.Retry)), options.Retry);
        options.Idempotency.Bind(configuration.GetSection(nameof(options.Idempotency)));
    }

    private static void BindRetry(IConfiguration configuration, MessageRetryOptions retry)
    {
        retry.MaxRetryAttempts = configuration.GetValue(nameof(retry.MaxRetryAttempts), retry.MaxRetryAttempts);
        retry.Delay = configuration.GetValue(nameof(retry.Delay), retry.Delay);
        retry.MaxDelay = configuration.GetValue(nameof(retry.MaxDelay), retry.MaxDelay);
        retry.BackoffType = configuration.GetValue(nameof(retry.BackoffType), retry.BackoffType);
        retry.UseJitter = configuration.GetValue(nameof(retry.UseJitter), retry.UseJitter);
    }
}
