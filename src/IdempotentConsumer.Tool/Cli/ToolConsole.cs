namespace IdempotentConsumer.Tool.Cli;

/// <summary>The streams and clock a command uses (the process's own, or a test's).</summary>
internal sealed record ToolConsole(TextReader In, TextWriter Out, TextWriter Error, TimeProvider Time);
