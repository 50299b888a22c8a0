namespace OrderShipping.Demo.Options;

/// <summary>What consumes the orders.</summary>
internal enum ConsumerKind
{
    /// <summary>The hosted worker (<c>AddSqsConsumer</c>), one host per consumer process (the default).</summary>
    Worker,

    /// <summary>The Lambda batch processor behind the local event source mapping, one poller per consumer.</summary>
    Lambda,
}
