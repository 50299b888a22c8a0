using System.Text.Json;
using IdempotentConsumer.Hosting.DependencyInjection;
using IdempotentConsumer.Keys;
using IdempotentConsumer.Lambda.Sqs;
using IdempotentConsumer.Stores;
using IdempotentConsumer.Testing.Faults;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace IdempotentConsumer.Testing.Storm.Internal;

/// <summary>Everything a storm builder collected; read by the run.</summary>
internal sealed class StormSettings<TMessage>(IdempotencyKeySource keySource)
{
    public IdempotencyKeySource KeySource { get; } = keySource;

    public int MessageCount { get; set; }

    public Func<int, TMessage>? MessageFactory { get; set; }

    public StormSideEffect<TMessage>? SideEffect { get; set; }

    public IIdempotencyStore? Store { get; set; }

    public double DuplicateSendRate { get; set; }

    public double ConcurrentDuplicateRate { get; set; }

    public int ConcurrentCopies { get; set; } = 3;

    public double LostAcknowledgementRate { get; set; }

    public int Consumers { get; set; } = 4;

    public double CrashBeforeSideEffectRate { get; set; }

    public double CrashAfterSideEffectRate { get; set; }

    public double CrashBeforeCompletionRate { get; set; }

    public double LeaseExpiryRate { get; set; }

    public bool CrashOnFirstDeliveryOnly { get; set; }

    public double StoreFaultRate { get; set; }

    public double LostBeginReplyRate { get; set; }

    public double LeaseExtensionFaultRate { get; set; }

    public double SlowHandlerRate { get; set; }

    public TimeSpan SlowHandlerDuration { get; set; }

    public TimeSpan? HeartbeatInterval { get; set; }

    public Func<TMessage, object?>? ResponseFactory { get; set; }

    public Action<FaultInjectingIdempotencyStore>? ConfigureFaults { get; set; }

    public (TimeSpan StartAfter, TimeSpan Duration)? Outage { get; set; }

    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan? VisibilityTimeout { get; set; }

    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromSeconds(1);

    public int MaxReceiveCount { get; set; } = 100;

    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(2);

    public int? Seed { get; set; }

    public Action<IdempotencyOptions>? ConfigureOptions { get; set; }

    public Action<SqsConsumerBuilder<TMessage>>? ConfigureConsumer { get; set; }

    /// <summary>Consumers are Lambda batch processors behind the local event source mapping instead of hosted workers.</summary>
    public bool UseLambda { get; set; }

    public Action<SqsBatchProcessorBuilder<TMessage>>? ConfigureLambda { get; set; }

    public JsonSerializerOptions SerializerOptions { get; set; } = Serialization.IdempotencyJsonDefaults.Web;

    public ILoggerFactory LoggerFactory { get; set; } = NullLoggerFactory.Instance;

    public bool NeedsFaultInjector => StoreFaultRate > 0 || LostBeginReplyRate > 0 || LeaseExtensionFaultRate > 0 || ConfigureFaults is not null || Outage is not null;
}
