namespace IdempotentConsumer.Lambda.LocalRunner.Invokers;

/// <summary>
/// The function process failed the invocation as a whole: it posted an error, ran past its deadline
/// (<c>Sandbox.Timedout</c>), exited while holding it (<c>Runtime.ExitError</c>) or failed to initialise.
/// </summary>
public sealed class LambdaFunctionErrorException : Exception
{
    /// <summary>Creates the exception.</summary>
    public LambdaFunctionErrorException()
        : this("The function failed.")
    {
    }

    /// <summary>Creates the exception.</summary>
    public LambdaFunctionErrorException(string message)
        : this(message, null)
    {
    }

    /// <summary>Creates the exception.</summary>
    public LambdaFunctionErrorException(string message, Exception? innerException)
        : base(message, innerException)
    {
        ErrorType = string.Empty;
        ErrorDocument = string.Empty;
    }

    /// <summary>Creates the exception from the Invoke API's error document.</summary>
    /// <param name="errorType">The document's <c>errorType</c>, e.g. <c>Sandbox.Timedout</c>.</param>
    /// <param name="errorMessage">The document's <c>errorMessage</c>.</param>
    /// <param name="errorDocument">The whole document, as the function or the runtime wrote it.</param>
    public LambdaFunctionErrorException(string errorType, string errorMessage, string errorDocument)
        : base($"{errorType}: {errorMessage}")
    {
        ErrorType = errorType;
        ErrorDocument = errorDocument;
    }

    /// <summary>The error type, e.g. <c>Sandbox.Timedout</c>, <c>Runtime.ExitError</c> or the exception type the function threw.</summary>
    public string ErrorType { get; }

    /// <summary>The error document as received.</summary>
    public string ErrorDocument { get; }
}
