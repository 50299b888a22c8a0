namespace IdempotentConsumer.Reliability.Tests.Properties;

/// <summary>A model-based check found the system disagreeing with its model; CsCheck shrinks the input that caused it.</summary>
public sealed class PropertyViolation(string message) : Exception(message);
