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

    /// <summary><c>{function}.{handler}</c>, or whichever of the two Lambda set; null outside Lambda.</summary>
    public static string? TryFromEnvironment()
    {
        var function = Environment.GetEnvironmentVariable(FunctionNameVariable);
        var handler = Environment.GetEnvironmentVariable(HandlerVariable);
        return (string.IsNullOrWhiteSpace(function), string.IsNullOrWhiteSpace(handler)) switch
        {
            (false, false) => $"{function}.{handler}",
            (false, true) => function!,
            (true, false) => handler!,
            _ => null,
        };
    }

    /// <summary><c>{function}.{handler}</c>, or whichever of the two Lambda set.</summary>
    /// <exception cref="IdempotencyConfigurationException">Neither variable is set (not running in Lambda).</exception>
    public static string FromEnvironment() => TryFromEnvironment() ?? throw Missing();

    /// <summary>Fails when the options still have no prefix of their own (neither given nor the function's identity).</summary>
    /// <exception cref="IdempotencyConfigurationException">The prefix is unset.</exception>
    public static void EnsureSet(IdempotencyOptions options)
    {
        if (IsUnset(options.KeyPrefix))
        {
            throw Missing();
        }
    }

    /// <summary>The executor itself when its prefix was set; otherwise one over the same store and options with the function's identity.</summary>
    public static IdempotencyExecutor Ensure(IdempotencyExecutor executor, TimeProvider? timeProvider, ILoggerFactory? loggerFactory)
    {
        if (!IsUnset(executor.Options.KeyPrefix))
        {
            return executor;
        }

        var options = executor.Options.Clone();
        options.KeyPrefix = FromEnvironment();
        return new IdempotencyExecutor(executor.Store, options, timeProvider, loggerFactory?.CreateLogger<IdempotencyExecutor>());
    }

    private static IdempotencyConfigurationException Missing() => new(
        $"No idempotency key prefix: name the consumer (SqsBatchProcessor.For<T>(\"name\"), WithKeyPrefix, or IdempotencyOptions.KeyPrefix) with a stable name. " +
        $"The default, the function name plus the handler, is unknown here: neither {FunctionNameVariable} nor {HandlerVariable} is set. " +
        $"A shared placeholder prefix would let unrelated consumers replay each other's records.");
}
