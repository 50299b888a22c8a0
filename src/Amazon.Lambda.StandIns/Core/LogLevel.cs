namespace Amazon.Lambda.Core;

/// <summary>Levels accepted by <see cref="ILambdaLogger"/>'s level-aware methods.</summary>
public enum LogLevel
{
    /// <summary>Most detailed diagnostics.</summary>
    Trace = 0,

    /// <summary>Debugging information.</summary>
    Debug = 1,

    /// <summary>Normal operation.</summary>
    Information = 2,

    /// <summary>Something unexpected that the function survived.</summary>
    Warning = 3,

    /// <summary>A failure of the current operation.</summary>
    Error = 4,

    /// <summary>A failure that needs immediate attention.</summary>
    Critical = 5,
}
