namespace IdempotentConsumer.Testing.Storm;

/// <summary>
/// The user's handler as the storm drives it: do the side effect for <paramref name="message"/>, passing
/// <see cref="SideEffectRecorder.IdempotencyKey"/> downstream, and call <see cref="SideEffectRecorder.Record"/>
/// when the effect really happened.
/// </summary>
/// <typeparam name="TMessage">The message type.</typeparam>
public delegate ValueTask StormSideEffect<in TMessage>(TMessage message, SideEffectRecorder effect, CancellationToken cancellationToken);
