namespace OrderShipping.Demo.Consumers;

/// <summary>A running consumer process (a worker host or a Lambda poller with its execution environment).</summary>
internal interface IConsumerProcess
{
    /// <summary>Its life: dead after a planned crash.</summary>
    ConsumerLife Life { get; }

    /// <summary>Stops it: gracefully while alive, at once when dead.</summary>
    Task StopAsync();
}
