namespace IdempotentConsumer.Reliability.Tests.BadInput;

/// <summary>A bad message body and the typed error it must fail with.</summary>
/// <param name="Name">What is wrong with it.</param>
/// <param name="Body">The raw body.</param>
/// <param name="ExpectedError">The exception type the pipeline must report for it.</param>
public sealed record BadInputCase(string Name, string Body, Type ExpectedError)
{
    /// <inheritdoc />
    public override string ToString() => Name;
}
