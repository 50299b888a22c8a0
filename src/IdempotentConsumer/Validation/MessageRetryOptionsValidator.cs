using IdempotentConsumer.Pipeline;
using Microsoft.Extensions.Options;

namespace IdempotentConsumer.Validation;

/// <summary>Checks <see cref="MessageRetryOptions"/>, reporting every error at once.</summary>
public sealed class MessageRetryOptionsValidator : IValidateOptions<MessageRetryOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, MessageRetryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new OptionsErrors();
        errors.Check(options.MaxRetryAttempts is >= 0 and <= 100, "MaxRetryAttempts must be between 0 and 100.");
        errors.Check(options.Delay >= TimeSpan.Zero, "Delay must not be negative.");
        errors.Check(options.MaxDelay >= options.Delay, "MaxDelay must not be below Delay.");
        errors.Check(options.ShouldRetry is not null, "ShouldRetry must be set.");
        return errors.ToResult();
    }
}
