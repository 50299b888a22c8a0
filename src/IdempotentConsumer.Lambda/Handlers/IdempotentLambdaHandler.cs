using Amazon.Lambda.Core;
using IdempotentConsumer.Execution;
using IdempotentConsumer.Keys;

namespace IdempotentConsumer.Lambda.Handlers;

/// <summary>
/// Makes a Lambda handler <c>(TEvent, ILambdaContext) → TResult</c> idempotent: the first call per key runs it and
/// stores the result; duplicates get the stored result; a duplicate arriving while the first still runs gets
/// <see cref="Exceptions.IdempotencyAlreadyInProgressException"/> (the event source retries later). The in-progress
/// lease is the invocation's remaining time minus a margin, so it never outlives the invocation.
/// </summary>
/// <typeparam name="TEvent">The event type (S3, EventBridge, API Gateway request, your own).</typeparam>
/// <typeparam name="TResult">The result type (serialized with System.Text.Json and replayed).</typeparam>
public sealed class IdempotentLambdaHandler<TEvent, TResult>
{
    private static readonly TimeSpan LongestScheduledCancel = TimeSpan.FromDays(1);
    private readonly IdempotencyExecutor _executor;
    private readonly Func<TEvent, ILambdaContext, CancellationToken, ValueTask<TResult>> _handler;
    private readonly IdempotentHandlerOptions<TEvent> _options;
    private readonly IdempotencyKeySource? _keySource;
    private readonly TimeProvider _timeProvider;

    /// <summary>Wraps a handler.</summary>
    /// <param name="executor">
    /// The executor (store, key prefix, expiry). When its <see cref="IdempotencyOptions.KeyPrefix"/> was never set, the
    /// handler uses the same store and options under the function's identity, <c>{AWS_LAMBDA_FUNCTION_NAME}.{_HANDLER}</c>.
    /// </param>
    /// <param name="handler">The handler; its token fires when the lease ends (see <see cref="IdempotentHandlerOptions{TEvent}.CancelAtLeaseEnd"/>).</param>
    /// <param name="options">Key and lease options.</param>
    /// <param name="timeProvider">The clock for the lease-end cancellation.</param>
    /// <exception cref="Exceptions.IdempotencyConfigurationException">The executor has no key prefix and the function's identity is unknown.</exception>
    public IdempotentLambdaHandler(
        IdempotencyExecutor executor,
        Func<TEvent, ILambdaContext, CancellationToken, ValueTask<TResult>> handler,
        IdempotentHandlerOptions<TEvent>? options = null,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(executor);
        _timeProvider = timeProvider ?? TimeProvider.System;
        _executor = LambdaKeyPrefix.Ensure(executor, _timeProvider, null);
        _handler = handler ?? throw new ArgumentNullException(nameof(handler));
        _options = options ?? new IdempotentHandlerOptions<TEvent>();
        if (_options.MinimumLease <= TimeSpan.Zero || _options.LeaseSafetyMargin < TimeSpan.Zero)
        {
            throw new Exceptions.IdempotencyConfigurationException("MinimumLease must be positive and LeaseSafetyMargin not negative.");
        }

        _keySource = _options.KeySelector is { } selector
            ? IdempotencyKeySource.From(selector)
            : _options.KeyJmesPath is { Length: > 0 } path ? IdempotencyKeySource.FromJmesPath(path) : null;
    }

    /// <summary>Handles one invocation: runs the handler once per key, replays the stored result for duplicates.</summary>
    /// <exception cref="InsufficientRemainingTimeException">Too little time is left to take the lease.</exception>
    /// <exception cref="Exceptions.IdempotencyAlreadyInProgressException">Another invocation is running the same key.</exception>
    public async Task<TResult> HandleAsync(TEvent input, ILambdaContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var remaining = context.RemainingTime;
        var lease = remaining - _options.LeaseSafetyMargin;
        if (lease < _options.MinimumLease)
        {
            throw new InsufficientRemainingTimeException(
                $"Request {context.AwsRequestId}: {remaining.TotalMilliseconds:F0} ms left, less than the {_options.MinimumLease.TotalMilliseconds:F0} ms minimum lease plus the {_options.LeaseSafetyMargin.TotalMilliseconds:F0} ms margin.");
        }

        var invocation = new IdempotencyInvocation<TEvent>(input)
        {
            LeaseDuration = lease,
            KeyMaterial = _keySource is null ? null : GetKeyMaterial(input),
        };

        using var leaseEnd = _options.CancelAtLeaseEnd && lease < LongestScheduledCancel ? new CancellationTokenSource(lease, _timeProvider) : null;
        var token = leaseEnd?.Token ?? CancellationToken.None;
        var outcome = await _executor.ExecuteAsync(
            invocation,
            (Handler: _handler, Context: context),
            static (call, ct) => call.State.Handler(call.Payload, call.State.Context, ct),
            token).ConfigureAwait(false);
        return outcome.Value;
    }

    private string GetKeyMaterial(TEvent input)
    {
        var payload = new IdempotencyPayload(input, null, _options.SerializerOptions ?? _executor.Options.SerializerOptions);

        // Empty material tells the executor "no key", so its missing-key policy applies.
        return _keySource!.TryGetKeyMaterial(payload, out var material) ? material : string.Empty;
    }
}
