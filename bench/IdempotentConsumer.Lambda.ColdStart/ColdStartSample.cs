namespace IdempotentConsumer.Lambda.ColdStart;

/// <summary>One cold start: process start to the first batch response, and the process's peak resident memory.</summary>
internal sealed record ColdStartSample(TimeSpan ToFirstResponse, long PeakResidentBytes);
