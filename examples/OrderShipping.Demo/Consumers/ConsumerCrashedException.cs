namespace OrderShipping.Demo.Consumers;

/// <summary>The simulated death of a consumer process: nothing after it reaches the store or the queue.</summary>
internal sealed class ConsumerCrashedException(string message) : Exception(message);
