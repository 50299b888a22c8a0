using System.Reflection;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Execution;
using Microsoft.Extensions.Logging;

namespace IdempotentConsumer.Lambda.Handlers;

/// <summary>
/// The key prefix a Lambda consumer gets when none is given: the function's identity, <c>{function}.{handler}</c>,
/// from the variables Lambda sets. Records of two functions (or two handlers) never share a prefix by accident;
/// the core's placeholder prefix <c>default</c> would let them replay each other's records.
/// </summary>
internal static class LambdaKeyPrefix
{
    public const string FunctionNameVariable = "AWS_LAMBDA_FUNCTION_NAME";
    public const string HandlerVariable = "_HANDLER";

    // IdempotencyOptions.KeyPrefix's initial value: what an options object holds when nobody set a prefix.
    private static readonly string CorePlaceholder = new IdempotencyOptions().KeyPrefix;

    /// <summary>True when the prefix is blank or still the core's placeholder.</summary>
    public static bool IsUnset(string? prefix) => string.IsNullOrWhiteSpace(prefix) || string.Equals(prefix, CorePlaceholder, StringComparison.Ordinal);

    /// <summary>The given prefix, or the function's identity when none was given.</summary>
    /// <exception cref="IdempotencyConfigurationException">No prefix was given and the function's identity is unknown.</exception>
    public static string Resolve(string? prefix) => IsUnset(prefix) ? FromEnvironment() : prefix!;

    /// <summary><c>{function}.{handler}</c>, or whichever of the two Lambda set.</summary>
    /// <exception cref="IdempotencyConfigurationException">Neither variable is set (not running in Lambda).</exception>
    public static string FromEnvironment()
    {
        var function = Environment.GetEnvironmentVariable(FunctionNameVariable);
        var handler = Environment.GetEnvironmentVariable(HandlerVariable);
        return (string.IsNullOrWhiteSpace(function), string.IsNullOrWhiteSpace(handler)) switch
        {
            (false, false) => $"{function}.{handler}",
            (false, true) => function!,
            (true, false) => handler!,
            _ => throw new IdempotencyConfigurationException(
                $"No idempotency key prefix: set IdempotencyOptions.KeyPrefix (or pass a consumer name) to a stable name for this consumer. " +
                $"The default, the function name plus the handler, is unknown here: neither {FunctionNameVariable} nor {HandlerVariable} is set. " +
                $"A shared placeholder prefix would let unrelated consumers replay each other's records."),
        };
    }

    /// <summary>The executor itself when its prefix was set; otherwise one over the same store and options with the function's identity.</summary>
    public static IdempotencyExecutor Ensure(IdempotencyExecutor executor, TimeProvider? timeProvider, ILoggerFactory? loggerFactory)
    {
        if (!IsUnset(executor.Options.KeyPrefix))
        {
            return executor;
        }

        var options = Copy(executor.Options);
        options.KeyPrefix = FromEnvironment();
        return new IdempotencyExecutor(executor.Store, options, timeProvider, loggerFactory?.CreateLogger<IdempotencyExecutor>());
    }

    // Every settable option is carried over, so options added to the core later are not silently dropped.
    private static IdempotencyOptions Copy(IdempotencyOptions source)
    {
        var copy = new IdempotencyOptions();
        foreach (var property in typeof(IdempotencyOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.CanRead && property.CanWrite && property.GetIndexParameters().Length == 0)
            {
                property.SetValue(copy, property.GetValue(source));
            }
        }

        return copy;
    }
}
