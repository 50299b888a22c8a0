using Microsoft.Extensions.Options;

namespace IdempotentConsumer.Hosting.Options;

/// <summary>Rejects settings SQS would refuse or that would break the heartbeat, at host start rather than at the first message.</summary>
internal sealed class SqsConsumerOptionsValidator : IValidateOptions<SqsConsumerOptions>
{
    private static readonly TimeSpan MaxVisibility = TimeSpan.FromHours(12);

    public ValidateOptionsResult Validate(string? name, SqsConsumerOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.QueueUrl))
        {
            errors.Add("QueueUrl is required.");
        }

        if (options.MaxConcurrency < 1)
        {
            errors.Add("MaxConcurrency must be at least 1.");
        }

        if (options.MaxNumberOfMessages is < 1 or > 10)
        {
            errors.Add("MaxNumberOfMessages must be between 1 and 10.");
        }

        if (options.ReceiveBatchWindow < TimeSpan.Zero || options.ReceiveBatchWindow > TimeSpan.FromSeconds(1))
        {
            errors.Add("ReceiveBatchWindow must be between 0 and 1 second.");
        }

        if (options.WaitTimeSeconds is < 0 or > 20)
        {
            errors.Add("WaitTimeSeconds must be between 0 and 20.");
        }

        if (options.VisibilityTimeout < TimeSpan.FromSeconds(1) || options.VisibilityTimeout > MaxVisibility)
        {
            errors.Add("VisibilityTimeout must be between 1 second and 12 hours.");
        }

        if (options.HeartbeatInterval is { } heartbeat && (heartbeat <= TimeSpan.Zero || heartbeat >= options.VisibilityTimeout))
        {
            errors.Add("HeartbeatInterval must be positive and shorter than VisibilityTimeout.");
        }

        if (options.MaxReceiveCount is < 1)
        {
            errors.Add("MaxReceiveCount must be at least 1 when set.");
        }

        var redelivery = options.Redelivery;
        if (redelivery is null)
        {
            errors.Add("Redelivery is required.");
        }
        else
        {
            if (redelivery.InitialDelay < TimeSpan.Zero || redelivery.MaxDelay < redelivery.InitialDelay || redelivery.MaxDelay > MaxVisibility)
            {
                errors.Add("Redelivery delays must satisfy 0 <= InitialDelay <= MaxDelay <= 12 hours.");
            }

            if (redelivery.Multiplier < 1 || double.IsNaN(redelivery.Multiplier))
            {
                errors.Add("Redelivery.Multiplier must be at least 1.");
            }

            if (redelivery.InProgressDelay < TimeSpan.Zero || redelivery.InProgressDelay > MaxVisibility)
            {
                errors.Add("Redelivery.InProgressDelay must be between 0 and 12 hours.");
            }

            if (redelivery.MaxInProgressDelay < TimeSpan.FromSeconds(1) || redelivery.MaxInProgressDelay > MaxVisibility)
            {
                errors.Add("Redelivery.MaxInProgressDelay must be between 1 second and 12 hours.");
            }
        }

        var batch = options.DeleteBatch;
        if (batch is null || batch.MaxBatchSize is < 1 or > 10 || batch.FlushInterval < TimeSpan.Zero || batch.MaxAttempts < 1)
        {
            errors.Add("DeleteBatch needs MaxBatchSize 1–10, a non-negative FlushInterval and MaxAttempts >= 1.");
        }

        var backoff = options.ErrorBackoff;
        if (backoff is null || backoff.InitialDelay <= TimeSpan.Zero || backoff.MaxDelay < backoff.InitialDelay)
        {
            errors.Add("ErrorBackoff needs 0 < InitialDelay <= MaxDelay.");
        }

        if (options.HandBackTimeout <= TimeSpan.Zero)
        {
            errors.Add("HandBackTimeout must be positive.");
        }

        if (options.Idempotency is null)
        {
            errors.Add("Idempotency is required (set UseIdempotency = false to turn it off).");
        }

        if (options.Retry is null || options.Retry.MaxRetryAttempts < 0)
        {
            errors.Add("Retry is required and MaxRetryAttempts must not be negative.");
        }

        return errors.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(errors.Select(e => $"SQS consumer '{name}': {e}"));
    }
}
