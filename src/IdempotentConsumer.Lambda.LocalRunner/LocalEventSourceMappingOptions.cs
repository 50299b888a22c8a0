namespace IdempotentConsumer.Lambda.LocalRunner;

/// <summary>Settings of the local event source mapping, named after the real mapping's settings.</summary>
public sealed class LocalEventSourceMappingOptions
{
    /// <summary>The queue to poll (required).</summary>
    public string QueueUrl { get; set; } = string.Empty;

    /// <summary>
    /// The queue ARN written into each record's <c>eventSourceARN</c>. Null: read from the queue's <c>QueueArn</c>
    /// attribute once. A FIFO queue's ARN ends in <c>.fifo</c>, which is how the batch processor detects FIFO.
    /// </summary>
    public string? QueueArn { get; set; }

    /// <summary>The region written into each record's <c>awsRegion</c>. Default: <c>us-east-1</c>.</summary>
    public string AwsRegion { get; set; } = "us-east-1";

    /// <summary>Records per invocation, 1–10 (one receive). Default: 10.</summary>
    public int BatchSize { get; set; } = 10;

    /// <summary>Long-poll wait per receive, 0–20 s. Default: 20.</summary>
    public int WaitTimeSeconds { get; set; } = 20;

    /// <summary>Visibility timeout requested on receive, in seconds; null uses the queue's. Lambda's guidance: at least 6× the function timeout.</summary>
    public int? VisibilityTimeoutSeconds { get; set; }

    /// <summary>The function timeout: <c>RemainingTime</c> starts here; an invocation running longer fails as a whole. Default: 30 s.</summary>
    public TimeSpan FunctionTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The function name in the fake context. Default: <c>local-function</c>.</summary>
    public string FunctionName { get; set; } = "local-function";

    /// <summary>
    /// True (default): the function's <c>SQSBatchResponse</c> decides which records are retained, as with
    /// <c>FunctionResponseTypes: ReportBatchItemFailures</c>. False: a returning function deletes the whole batch.
    /// </summary>
    public bool ReportBatchItemFailures { get; set; } = true;

    /// <summary>
    /// Pass the event and the response through Lambda's JSON (serialize, then deserialize) on every invocation, so the
    /// function sees exactly what Lambda would deliver. Default: true.
    /// </summary>
    public bool RoundTripThroughJson { get; set; } = true;

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(QueueUrl))
        {
            throw new ArgumentException("LocalEventSourceMappingOptions.QueueUrl is required.");
        }

        if (BatchSize is < 1 or > 10 || WaitTimeSeconds is < 0 or > 20 || FunctionTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("BatchSize must be 1–10, WaitTimeSeconds 0–20 and FunctionTimeout positive.");
        }
    }
}
