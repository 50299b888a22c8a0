namespace IdempotentConsumer.Execution;

/// <summary>Reads the environment kill switch honoured by Powertools and by us.</summary>
public static class IdempotencyKillSwitch
{
    /// <summary>The project's own variable.</summary>
    public const string VariableName = "IDEMPOTENCY_DISABLED";

    /// <summary>Powertools' variable, honoured so one switch turns both off.</summary>
    public const string PowertoolsVariableName = "POWERTOOLS_IDEMPOTENCY_DISABLED";

    /// <summary>True when either variable is set to a true value (<c>true</c>, <c>1</c>, <c>yes</c>, <c>on</c>).</summary>
    public static bool IsSetInEnvironment() =>
        IsTrue(Environment.GetEnvironmentVariable(VariableName)) || IsTrue(Environment.GetEnvironmentVariable(PowertoolsVariableName));

    private static bool IsTrue(string? value) =>
        value is not null && (value.Equals("true", StringComparison.OrdinalIgnoreCase)
            || value == "1"
            || value.Equals("yes", StringComparison.OrdinalIgnoreCase)
            || value.Equals("on", StringComparison.OrdinalIgnoreCase));
}
