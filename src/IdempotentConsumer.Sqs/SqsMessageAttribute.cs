namespace IdempotentConsumer.Sqs;

/// <summary>A message attribute as SQS carries it: a data type and either a string or a binary value.</summary>
/// <param name="DataType">The SQS data type (<c>String</c>, <c>Number</c>, <c>Binary</c>, optionally with a custom suffix).</param>
/// <param name="StringValue">The value of a <c>String</c> or <c>Number</c> attribute.</param>
/// <param name="BinaryValue">The value of a <c>Binary</c> attribute.</param>
public sealed record SqsMessageAttribute(string DataType, string? StringValue, ReadOnlyMemory<byte>? BinaryValue);
