using System.Text;
using System.Text.Json;
using IdempotentConsumer.Lambda.Sqs;

namespace IdempotentConsumer.Lambda.LocalRunner.Invokers;

/// <summary>
/// Invokes a function that runs as its own process under the official runtime client: the batch goes to
/// the Lambda Invoke API (<c>POST /2015-03-31/functions/{name}/invocations</c>) of a Runtime API emulator,
/// which hands it to the function's <c>GET /2018-06-01/runtime/invocation/next</c> and returns what the
/// function posts back. An answer carrying <c>X-Amz-Function-Error</c> is a failed invocation.
/// </summary>
/// <remarks>
/// The function timeout is the emulator's (a Lambda function's timeout is its configuration, not the caller's):
/// configure both with the same value. This client waits that long plus <see cref="ClientMargin"/>.
/// </remarks>
public sealed class RuntimeApiSqsFunctionInvoker : ISqsFunctionInvoker
{
    /// <summary>How much longer than the function timeout the HTTP call may take (queueing, a cold start).</summary>
    public static readonly TimeSpan ClientMargin = TimeSpan.FromSeconds(60);

    private readonly HttpClient _http;
    private readonly Uri _invokeUri;

    /// <summary>Creates the invoker.</summary>
    /// <param name="http">The client; its timeout should exceed the function timeout plus a cold start.</param>
    /// <param name="invokeUri">The Invoke API endpoint, e.g. <c>http://127.0.0.1:PORT/2015-03-31/functions/function/invocations</c>.</param>
    public RuntimeApiSqsFunctionInvoker(HttpClient http, Uri invokeUri)
    {
        _http = http ?? throw new ArgumentNullException(nameof(http));
        _invokeUri = invokeUri ?? throw new ArgumentNullException(nameof(invokeUri));
    }

    /// <inheritdoc />
    public async Task<SqsFunctionOutcome> InvokeAsync(SqsFunctionInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(invocation.Context.Timeout + ClientMargin);
        try
        {
            using var content = new StringContent(invocation.EventJson, Encoding.UTF8, "application/json");
            using var response = await _http.PostAsync(_invokeUri, content, timeout.Token).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return SqsFunctionOutcome.Failed(new LambdaFunctionErrorException("InvokeFailed", $"The Invoke API answered {(int)response.StatusCode}.", body));
            }

            if (response.Headers.Contains("X-Amz-Function-Error"))
            {
                return SqsFunctionOutcome.Failed(ToException(body));
            }

            // A function may return nothing (null), which Lambda treats as "no failures".
            var parsed = string.IsNullOrWhiteSpace(body) || body.Trim() == "null"
                ? new Amazon.Lambda.SQSEvents.SQSBatchResponse()
                : LambdaSqsJson.DeserializeBatchResponse(body);
            return SqsFunctionOutcome.Returned(parsed, body);
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return SqsFunctionOutcome.Failed(ex);
        }
    }

    private static LambdaFunctionErrorException ToException(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            var type = root.TryGetProperty("errorType", out var t) ? t.GetString() : null;
            var message = root.TryGetProperty("errorMessage", out var m) ? m.GetString() : null;
            return new LambdaFunctionErrorException(type ?? "Unhandled", message ?? string.Empty, body);
        }
        catch (JsonException)
        {
            return new LambdaFunctionErrorException("Unhandled", body, body);
        }
    }
}
