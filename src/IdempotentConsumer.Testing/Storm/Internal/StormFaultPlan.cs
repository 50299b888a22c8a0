using IdempotentConsumer.Testing.Faults;

namespace IdempotentConsumer.Testing.Storm.Internal;

/// <summary>Turns the storm's fault settings into rules on its store fault injector.</summary>
internal static class StormFaultPlan
{
    public static void Apply<TMessage>(FaultInjectingIdempotencyStore faults, StormSettings<TMessage> settings)
    {
        if (settings.StoreFaultRate > 0)
        {
            var share = settings.StoreFaultRate / 3;
            faults.Inject(StoreOperations.All, StoreFaultKind.Throttling, share, FaultTiming.Either);
            faults.AddRule(new StoreFaultRule { Kind = StoreFaultKind.Timeout, Probability = share, Timing = FaultTiming.Either, Delay = TimeSpan.FromMilliseconds(10) });
            faults.Inject(StoreOperations.All, StoreFaultKind.Error, share, FaultTiming.Either);
        }

        if (settings.LostBeginReplyRate > 0)
        {
            // The begin's write lands and only its reply is lost, as when an SDK retries a conditional write.
            faults.AddRule(new StoreFaultRule { Operations = StoreOperations.Begin, Kind = StoreFaultKind.Timeout, Timing = FaultTiming.AfterWrite, Probability = settings.LostBeginReplyRate });
        }

        if (settings.LeaseExtensionFaultRate > 0)
        {
            faults.Inject(StoreOperations.ExtendLease, StoreFaultKind.Error, settings.LeaseExtensionFaultRate, FaultTiming.Either);
        }

        settings.ConfigureFaults?.Invoke(faults);
    }
}
