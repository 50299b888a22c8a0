using Microsoft.Extensions.Options;

namespace IdempotentConsumer.Sqs.Producer.Options;

/// <summary>Checks <see cref="SqsSenderOptions"/> whole, reporting every error at once; run at host start and by the sender's constructor.</summary>
internal sealed class SqsSenderOptionsValidator : IValidateOptions<SqsSenderOptions>
{
    public ValidateOptionsResult Validate(string? name, SqsSenderOptions options)
    {
        var errors = Check(options);
        return errors.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(errors.Select(e => $"SQS sender '{name}': {e}"));
    }

    public static List<string> Check(SqsSenderOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.QueueUrl))
        {
            errors.Add("QueueUrl is required.");
        }

        if (string.IsNullOrWhiteSpace(options.KeyPrefix))
        {
            errors.Add("KeyPrefix must not be empty: set it to the consumer's key prefix.");
        }

        if (string.IsNullOrWhiteSpace(options.KeyAttributeName) || options.KeyAttributeName.Length > 256)
        {
            errors.Add("KeyAttributeName must be a non-empty attribute name of at most 256 characters.");
        }

        if (!Enum.IsDefined(options.HashAlgorithm))
        {
            errors.Add($"HashAlgorithm {options.HashAlgorithm} is not supported.");
        }

        if (options.MaxAttempts < 1)
        {
            errors.Add("MaxAttempts must be at least 1.");
        }

        if (options.InitialRetryDelay < TimeSpan.Zero || options.MaxRetryDelay < options.InitialRetryDelay)
        {
            errors.Add("Retry delays must satisfy 0 <= InitialRetryDelay <= MaxRetryDelay.");
        }

        if (options.MaxBatchBytes < 1024)
        {
            errors.Add("MaxBatchBytes must be at least 1024.");
        }

        if (options.SerializerOptions is null)
        {
            errors.Add("SerializerOptions must be set.");
        }

        return errors;
    }
}
