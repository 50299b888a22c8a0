using OrderShipping.Demo.Options;

namespace OrderShipping.Demo.Scenario;

/// <summary>
/// The clock of the story, shrunk so a run takes seconds: the queue's visibility timeout, the in-progress
/// lease (longer than the slowest handling, shorter than a coffee), and the back-off after "in progress".
/// </summary>
/// <param name="VisibilityTimeout">How long a received message stays hidden.</param>
/// <param name="Lease">The idempotency in-progress lease: how long a crashed consumer's record blocks the order.</param>
/// <param name="SlowHandling">How long a slow first handling takes (longer than the visibility timeout).</param>
/// <param name="InProgressBackoff">How soon a message that found its order in progress is offered again.</param>
/// <param name="ShippingLatency">The shipping API's round trip.</param>
internal sealed record DemoTimings(TimeSpan VisibilityTimeout, TimeSpan Lease, TimeSpan SlowHandling, TimeSpan InProgressBackoff, TimeSpan ShippingLatency)
{
    public static DemoTimings For(QueueKind queue) => queue switch
    {
        // SQS counts visibility in whole seconds.
        QueueKind.Sqs => new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(1)),
        _ => new(TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(600), TimeSpan.FromMilliseconds(450), TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(1)),
    };
}
