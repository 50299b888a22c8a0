using IdempotentConsumer.Exceptions;
using Microsoft.Extensions.Options;

namespace IdempotentConsumer.Validation;

/// <summary>Collects every error of an options object, so a misconfiguration is reported whole, not one fix at a time.</summary>
internal sealed class OptionsErrors
{
    private List<string>? _errors;

    public void Check(bool valid, string error)
    {
        if (!valid)
        {
            (_errors ??= []).Add(error);
        }
    }

    public ValidateOptionsResult ToResult() => _errors is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(_errors);

    public void ThrowIfAny(string optionsName)
    {
        if (_errors is { Count: > 0 } errors)
        {
            throw new IdempotencyConfigurationException($"{optionsName} is invalid: {string.Join(" ", errors)}");
        }
    }
}
