using IdempotentConsumer.Exceptions;
using Microsoft.Extensions.Options;

namespace IdempotentConsumer.Validation;

/// <summary>
/// Base of the stores' options validators: checks every setting and reports all errors at once, to the options
/// system at host start (<see cref="Validate"/>) and to a store built by hand (<see cref="ThrowIfInvalid"/>), so a
/// misconfiguration is fixed in one pass instead of one error at a time.
/// </summary>
/// <typeparam name="TOptions">The options type.</typeparam>
public abstract class CollectingOptionsValidator<TOptions> : IValidateOptions<TOptions>
    where TOptions : class
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = Collect(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>Throws one <see cref="IdempotencyConfigurationException"/> naming every error, if there is any.</summary>
    /// <param name="options">The options to check.</param>
    /// <exception cref="IdempotencyConfigurationException">The options are invalid.</exception>
    public void ThrowIfInvalid(TOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = Collect(options);
        if (errors.Count > 0)
        {
            throw new IdempotencyConfigurationException($"{typeof(TOptions).Name} is invalid: {string.Join(" ", errors)}");
        }
    }

    /// <summary>Adds a message to <paramref name="errors"/> for each invalid setting of <paramref name="options"/>.</summary>
    /// <param name="options">The options to check.</param>
    /// <param name="errors">Where the errors go, in the order found.</param>
    protected abstract void Check(TOptions options, ICollection<string> errors);

    private List<string> Collect(TOptions options)
    {
        var errors = new List<string>();
        Check(options, errors);
        return errors;
    }
}
