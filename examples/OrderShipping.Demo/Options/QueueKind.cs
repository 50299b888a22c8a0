namespace OrderShipping.Demo.Options;

/// <summary>Which queue carries the orders.</summary>
internal enum QueueKind
{
    /// <summary>The in-process queue with SQS semantics (the default).</summary>
    InProcess,

    /// <summary>An SQS queue (fauxqs or AWS), created for the run and deleted after it.</summary>
    Sqs,
}
