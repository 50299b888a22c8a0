using IdempotentConsumer.Dispositions;
using Microsoft.Extensions.Options;

namespace IdempotentConsumer.Validation;

/// <summary>Checks <see cref="RedeliveryOptions"/>, reporting every error at once.</summary>
public sealed class RedeliveryOptionsValidator : IValidateOptions<RedeliveryOptions>
{
    private static readonly TimeSpan SqsMaxVisibility = TimeSpan.FromHours(12);

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, RedeliveryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new OptionsErrors();
        errors.Check(options.InitialDelay > TimeSpan.Zero, "InitialDelay must be positive.");
        errors.Check(options.Multiplier >= 1 && double.IsFinite(options.Multiplier), "Multiplier must be a finite number of at least 1.");
        errors.Check(options.MaxDelay >= options.InitialDelay && options.MaxDelay <= SqsMaxVisibility, "MaxDelay must lie between InitialDelay and 12 h (the SQS visibility limit).");
        errors.Check(options.InProgressDelay > TimeSpan.Zero, "InProgressDelay must be positive.");
        errors.Check(options.MaxInProgressDelay >= options.InProgressDelay && options.MaxInProgressDelay <= SqsMaxVisibility, "MaxInProgressDelay must lie between InProgressDelay and 12 h.");
        return errors.ToResult();
    }
}
