namespace IdempotentConsumer.Testing.Storm.Internal;

/// <summary>Where a simulated consumer crash struck.</summary>
internal enum StormCrashPoint
{
    BeforeSideEffect,
    AfterSideEffect,
    BeforeCompletion,
}
