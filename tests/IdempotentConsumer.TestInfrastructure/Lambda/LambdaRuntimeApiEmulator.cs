using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace IdempotentConsumer.TestInfrastructure.Lambda;

/// <summary>
/// The Lambda Runtime API (version 2018-06-01) on 127.0.0.1, for a function running as its own process
/// with <c>AWS_LAMBDA_RUNTIME_API</c> set to <see cref="RuntimeApiAddress"/>; plus the Invoke API
/// (<c>POST /2015-03-31/functions/{name}/invocations</c>) through which a caller in another process, such
/// as the local event source mapping, hands it events, as the Runtime Interface Emulator does.
/// </summary>
/// <remarks>
/// One execution environment: invocations are handed out one at a time, in order, each to the next
/// <c>GET …/invocation/next</c>. The deadline starts when the runtime takes the invocation, so a cold start
/// is not charged to the first invocation's timeout (it is bounded by <see cref="InitTimeout"/> instead).
/// </remarks>
public sealed class LambdaRuntimeApiEmulator : IAsyncDisposable
{
    /// <summary>The Invoke API path (function name <c>function</c>; any name is accepted).</summary>
    public const string InvokePath = "/2015-03-31/functions/function/invocations";

    private const string RuntimePrefix = "/2018-06-01/runtime/";
    private const string InvokePrefix = "/2015-03-31/functions/";

    private readonly HttpListener _listener;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly LinkedList<PendingInvocation> _queued = new();
    private readonly Queue<TaskCompletionSource<PendingInvocation>> _waitingRuntimes = new();
    private readonly Dictionary<string, PendingInvocation> _inFlight = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<LambdaRuntimeInitError> _initErrors = new();
    private readonly TaskCompletionSource<LambdaRuntimeInitError> _firstInitError = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _acceptLoop;
    private readonly TimeProvider _timeProvider;
    private int _nextRequests;

    private LambdaRuntimeApiEmulator(HttpListener listener, int port, string functionName, TimeProvider timeProvider)
    {
        _listener = listener;
        _timeProvider = timeProvider;
        Port = port;
        FunctionName = functionName;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>The port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>The value for the function's <c>AWS_LAMBDA_RUNTIME_API</c>: <c>127.0.0.1:PORT</c>.</summary>
    public string RuntimeApiAddress => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{Port}");

    /// <summary>Where the Invoke API listens.</summary>
    public Uri InvokeUri => new(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{Port}{InvokePath}"));

    /// <summary>The function name in <c>Lambda-Runtime-Invoked-Function-Arn</c>.</summary>
    public string FunctionName { get; }

    /// <summary>The function timeout: the deadline is this long after the runtime takes the invocation. Default: 30 s.</summary>
    public TimeSpan FunctionTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an invocation waits for a runtime to ask for it before it fails with <see cref="LambdaRuntimeInvocationOutcome.NoRuntime"/>. Default: 60 s.</summary>
    public TimeSpan InitTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Every init error the runtime reported, in order.</summary>
    public IReadOnlyCollection<LambdaRuntimeInitError> InitErrors => _initErrors;

    /// <summary>How many <c>GET …/invocation/next</c> requests arrived (a runtime polls once per invocation, plus once at the end).</summary>
    public int NextRequestCount => Volatile.Read(ref _nextRequests);

    /// <summary>Starts the emulator on a free port of 127.0.0.1.</summary>
    /// <param name="functionName">The name in the invoked function ARN.</param>
    /// <param name="timeProvider">The clock of deadlines and timeouts (the deadline header is wall-clock time, as in Lambda).</param>
    public static LambdaRuntimeApiEmulator Start(string functionName = "function", TimeProvider? timeProvider = null)
    {
        for (var attempt = 0; ; attempt++)
        {
            var port = FreePort.Next();
            var listener = new HttpListener();
            listener.Prefixes.Add(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/"));
            try
            {
                listener.Start();
                return new LambdaRuntimeApiEmulator(listener, port, functionName, timeProvider ?? TimeProvider.System);
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                // Another process took the port between the probe and the bind.
                listener.Close();
            }
        }
    }

    /// <summary>
    /// Queues one invocation and waits for its end: the runtime's response or error, the deadline, the
    /// runtime's exit, or an init error. Never throws for a function failure: the result says what happened.
    /// </summary>
    public async Task<LambdaRuntimeInvocationResult> InvokeAsync(string payload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var invocation = new PendingInvocation(Guid.NewGuid().ToString(), payload);
        Dispatch(invocation);
        _ = FailIfNotTakenAsync(invocation);
        return await invocation.Result.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits until the runtime reports an init error, and returns the first one.</summary>
    public Task<LambdaRuntimeInitError> WaitForInitErrorAsync(TimeSpan timeout) => _firstInitError.Task.WaitAsync(timeout);

    /// <summary>
    /// Tells the emulator its runtime process exited: the invocation it held fails with
    /// <see cref="LambdaRuntimeInvocationOutcome.RuntimeExited"/>, and its pending <c>next</c> request is dropped.
    /// </summary>
    public void ReportRuntimeExited(string description)
    {
        List<PendingInvocation> held;
        lock (_gate)
        {
            held = [.. _inFlight.Values];
            _inFlight.Clear();
            while (_waitingRuntimes.TryDequeue(out var waiting))
            {
                waiting.TrySetCanceled();
            }
        }

        foreach (var invocation in held)
        {
            invocation.Complete(LambdaRuntimeInvocationOutcome.RuntimeExited, ErrorDocument("Runtime.ExitError", description), "Runtime.ExitError");
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Close();
        try
        {
            await _acceptLoop.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ObjectDisposedException or HttpListenerException or OperationCanceledException)
        {
            // Closing the listener ends the accept loop this way.
        }

        _stopping.Dispose();
    }

    private void Dispatch(PendingInvocation invocation)
    {
        lock (_gate)
        {
            while (_waitingRuntimes.TryDequeue(out var runtime))
            {
                if (TakeLocked(invocation, runtime))
                {
                    return;
                }
            }

            _queued.AddLast(invocation);
        }
    }

    // Under _gate: hands the invocation to a waiting runtime; false when that runtime gave up waiting.
    private bool TakeLocked(PendingInvocation invocation, TaskCompletionSource<PendingInvocation> runtime)
    {
        if (!runtime.TrySetResult(invocation))
        {
            return false;
        }

        invocation.Deadline = _timeProvider.GetUtcNow() + FunctionTimeout;
        _inFlight[invocation.RequestId] = invocation;
        _ = TimeOutAsync(invocation);
        return true;
    }

    private async Task FailIfNotTakenAsync(PendingInvocation invocation)
    {
        try
        {
            await Task.Delay(InitTimeout, _timeProvider, _stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        bool removed;
        lock (_gate)
        {
            removed = _queued.Remove(invocation);
        }

        if (removed)
        {
            invocation.Complete(LambdaRuntimeInvocationOutcome.NoRuntime, ErrorDocument("Runtime.Unavailable", $"No runtime asked for the invocation within {InitTimeout.TotalSeconds:F0} s."), "Runtime.Unavailable");
        }
    }

    private async Task TimeOutAsync(PendingInvocation invocation)
    {
        try
        {
            await Task.Delay(FunctionTimeout, _timeProvider, _stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        if (Remove(invocation.RequestId) is { } timedOut)
        {
            timedOut.Complete(
                LambdaRuntimeInvocationOutcome.TimedOut,
                ErrorDocument("Sandbox.Timedout", $"Task timed out after {FunctionTimeout.TotalSeconds:F2} seconds"),
                "Sandbox.Timedout");
        }
    }

    private PendingInvocation? Remove(string requestId)
    {
        lock (_gate)
        {
            return _inFlight.Remove(requestId, out var invocation) ? invocation : null;
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            // GET next blocks until an invocation arrives: every request gets its own task.
            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        try
        {
            var path = context.Request.Url?.AbsolutePath ?? string.Empty;
            var method = context.Request.HttpMethod;
            if (path.StartsWith(InvokePrefix, StringComparison.Ordinal) && path.EndsWith("/invocations", StringComparison.Ordinal) && method == "POST")
            {
                await HandleInvokeAsync(context).ConfigureAwait(false);
            }
            else if (path == RuntimePrefix + "invocation/next" && method == "GET")
            {
                await HandleNextAsync(context).ConfigureAwait(false);
            }
            else if (path == RuntimePrefix + "init/error" && method == "POST")
            {
                await HandleInitErrorAsync(context).ConfigureAwait(false);
            }
            else if (path.StartsWith(RuntimePrefix + "invocation/", StringComparison.Ordinal) && method == "POST")
            {
                await HandleInvocationEndAsync(context, path[(RuntimePrefix.Length + "invocation/".Length)..]).ConfigureAwait(false);
            }
            else
            {
                await WriteAsync(context, HttpStatusCode.NotFound, ErrorDocument("NotFound", $"{method} {path} is not part of the Runtime API.")).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or IOException or OperationCanceledException)
        {
            // The client went away (a killed runtime) or the emulator is stopping.
        }
    }

    private async Task HandleInvokeAsync(HttpListenerContext context)
    {
        var payload = await ReadBodyAsync(context.Request).ConfigureAwait(false);
        var result = await InvokeAsync(payload, _stopping.Token).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            // The Invoke API's convention: 200, the error document as the payload, and this header.
            context.Response.Headers["X-Amz-Function-Error"] = "Unhandled";
        }

        context.Response.Headers["X-Amz-Executed-Version"] = "$LATEST";
        context.Response.Headers["X-Amz-Request-Id"] = result.RequestId;
        await WriteAsync(context, HttpStatusCode.OK, result.Body).ConfigureAwait(false);
    }

    private async Task HandleNextAsync(HttpListenerContext context)
    {
        Interlocked.Increment(ref _nextRequests);
        var runtime = new TaskCompletionSource<PendingInvocation>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            var queued = _queued.First;
            if (queued is not null)
            {
                _queued.RemoveFirst();
                TakeLocked(queued.Value, runtime);
            }
            else
            {
                _waitingRuntimes.Enqueue(runtime);
            }
        }

        PendingInvocation invocation;
        try
        {
            invocation = await runtime.Task.WaitAsync(_stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The runtime exited (or the emulator stops): nobody reads this answer.
            context.Response.Abort();
            return;
        }

        var headers = context.Response.Headers;
        headers["Lambda-Runtime-Aws-Request-Id"] = invocation.RequestId;
        headers["Lambda-Runtime-Deadline-Ms"] = invocation.Deadline.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        headers["Lambda-Runtime-Invoked-Function-Arn"] = $"arn:aws:lambda:{AwsTestCredentials.Region}:000000000000:function:{FunctionName}";
        headers["Lambda-Runtime-Trace-Id"] = $"Root=1-{_timeProvider.GetUtcNow().ToUnixTimeSeconds():x8}-{invocation.RequestId.Replace("-", string.Empty, StringComparison.Ordinal)[..24]};Parent=0000000000000000;Sampled=0";
        await WriteAsync(context, HttpStatusCode.OK, invocation.Payload).ConfigureAwait(false);
    }

    private async Task HandleInvocationEndAsync(HttpListenerContext context, string rest)
    {
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var requestId = slash < 0 ? rest : rest[..slash];
        var verb = slash < 0 ? string.Empty : rest[(slash + 1)..];
        if (verb is not ("response" or "error"))
        {
            await WriteAsync(context, HttpStatusCode.NotFound, ErrorDocument("NotFound", $"Unknown invocation action '{verb}'.")).ConfigureAwait(false);
            return;
        }

        var body = await ReadBodyAsync(context.Request).ConfigureAwait(false);
        if (Remove(requestId) is not { } invocation)
        {
            // Unknown, already answered, or past its deadline.
            await WriteAsync(context, HttpStatusCode.BadRequest, ErrorDocument("InvalidRequestID", $"No invocation {requestId} is in flight.")).ConfigureAwait(false);
            return;
        }

        if (verb == "response")
        {
            invocation.Complete(LambdaRuntimeInvocationOutcome.Response, body, null);
        }
        else
        {
            var errorType = context.Request.Headers["Lambda-Runtime-Function-Error-Type"] ?? "Unhandled";
            invocation.Complete(LambdaRuntimeInvocationOutcome.FunctionError, body, errorType);
        }

        await WriteAsync(context, HttpStatusCode.Accepted, """{"status":"OK"}""").ConfigureAwait(false);
    }

    private async Task HandleInitErrorAsync(HttpListenerContext context)
    {
        var body = await ReadBodyAsync(context.Request).ConfigureAwait(false);
        var error = new LambdaRuntimeInitError(context.Request.Headers["Lambda-Runtime-Function-Error-Type"] ?? string.Empty, body);
        _initErrors.Enqueue(error);
        _firstInitError.TrySetResult(error);

        // Lambda fails the invocation that triggered the init with the init error.
        List<PendingInvocation> queued;
        lock (_gate)
        {
            queued = [.. _queued];
            _queued.Clear();
        }

        foreach (var invocation in queued)
        {
            invocation.Complete(LambdaRuntimeInvocationOutcome.InitError, body, error.ErrorType);
        }

        await WriteAsync(context, HttpStatusCode.Accepted, """{"status":"OK"}""").ConfigureAwait(false);
    }

    private static async Task<string> ReadBodyAsync(HttpListenerRequest request)
    {
        using var reader = new StreamReader(request.InputStream, request.ContentEncoding ?? Encoding.UTF8);
        return await reader.ReadToEndAsync().ConfigureAwait(false);
    }

    private static async Task WriteAsync(HttpListenerContext context, HttpStatusCode status, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        context.Response.StatusCode = (int)status;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength64 = bytes.Length;
        await context.Response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
        context.Response.Close();
    }

    private static string ErrorDocument(string errorType, string message) =>
        JsonSerializer.Serialize(new Dictionary<string, string> { ["errorType"] = errorType, ["errorMessage"] = message });

    private sealed class PendingInvocation(string requestId, string payload)
    {
        public string RequestId { get; } = requestId;

        public string Payload { get; } = payload;

        public DateTimeOffset Deadline { get; set; }

        public TaskCompletionSource<LambdaRuntimeInvocationResult> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Complete(LambdaRuntimeInvocationOutcome outcome, string body, string? errorType) =>
            Result.TrySetResult(new LambdaRuntimeInvocationResult(RequestId, outcome, body, errorType));
    }
}
