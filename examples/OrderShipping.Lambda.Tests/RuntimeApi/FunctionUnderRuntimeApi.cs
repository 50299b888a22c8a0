using Amazon.SQS;
using Amazon.SQS.Model;
using IdempotentConsumer.DynamoDB;
using IdempotentConsumer.Lambda.LocalRunner;
using IdempotentConsumer.Lambda.LocalRunner.Invokers;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using IdempotentConsumer.TestInfrastructure.Lambda;
using OrderShipping.Orders;

namespace OrderShipping.Lambda.Tests.RuntimeApi;

/// <summary>
/// The whole local Lambda: a fauxqs queue, the local event source mapping invoking through the Runtime API
/// emulator, the function as its own process (the official runtime client) recording to a DynamoDB table on
/// dynalite and shipping through <see cref="CarrierServer"/>. Like Lambda, it starts a new execution
/// environment when the previous one died.
/// </summary>
internal sealed class FunctionUnderRuntimeApi : IAsyncDisposable
{
    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };
    private readonly List<LambdaFunctionProcess> _processes = [];
    private readonly Lock _gate = new();
    private bool _restartOnExit = true;

    private FunctionUnderRuntimeApi(IAmazonSQS sqs, string queueUrl, TimeSpan functionTimeout)
    {
        Sqs = sqs;
        QueueUrl = queueUrl;
        Emulator = LambdaRuntimeApiEmulator.Start("order-shipping");
        Emulator.FunctionTimeout = functionTimeout;
        Mapping = new LocalEventSourceMapping(
            sqs,
            // The long poll outlasts the visibility timeout: one empty receive means the queue is drained.
            new LocalEventSourceMappingOptions { QueueUrl = queueUrl, BatchSize = 10, WaitTimeSeconds = 3, FunctionTimeout = functionTimeout },
            new RuntimeApiSqsFunctionInvoker(_http, Emulator.InvokeUri));
    }

    public IAmazonSQS Sqs { get; }

    public string QueueUrl { get; }

    public CarrierServer Carrier { get; } = CarrierServer.Start();

    public LambdaRuntimeApiEmulator Emulator { get; }

    public LocalEventSourceMapping Mapping { get; }

    /// <summary>The environment variables the function starts with; change before <see cref="StartFunction"/>.</summary>
    public Dictionary<string, string> FunctionEnvironment { get; } = [];

    /// <summary>The current execution environment.</summary>
    public LambdaFunctionProcess Function
    {
        get
        {
            lock (_gate)
            {
                return _processes[^1];
            }
        }
    }

    /// <summary>How many execution environments were started.</summary>
    public int EnvironmentsStarted
    {
        get
        {
            lock (_gate)
            {
                return _processes.Count;
            }
        }
    }

    public static async Task<FunctionUnderRuntimeApi> CreateAsync(FauxqsFixture fauxqs, DynaliteFixture dynamo, TimeSpan functionTimeout, int visibilityTimeoutSeconds)
    {
        var sqs = fauxqs.CreateSqsClient();
        var queueUrl = (await sqs.CreateQueueAsync(new CreateQueueRequest
        {
            QueueName = "orders-" + Guid.NewGuid().ToString("N")[..8],
            Attributes = new Dictionary<string, string> { [QueueAttributeName.VisibilityTimeout] = visibilityTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        })).QueueUrl;
        var tableName = "idempotency-" + Guid.NewGuid().ToString("N")[..8];
        using (var client = dynamo.CreateDynamoDbClient())
        {
            await DynamoDbIdempotencyTable.CreateIfNotExistsAsync(client, new DynamoDbIdempotencyStoreOptions { TableName = tableName });
            await IdempotentConsumer.TestInfrastructure.DynamoDbTables.WaitUntilActiveAsync(client, tableName);
        }

        var harness = new FunctionUnderRuntimeApi(sqs, queueUrl, functionTimeout);
        harness.FunctionEnvironment["IDEMPOTENCY_TABLE"] = tableName;
        harness.FunctionEnvironment["SHIPPING_API_URL"] = harness.Carrier.BaseAddress.ToString();
        harness.FunctionEnvironment["AWS_ENDPOINT_URL_DYNAMODB"] = dynamo.ServiceUrl;
        harness.FunctionEnvironment["AWS_ACCESS_KEY_ID"] = "testAccessKey";
        harness.FunctionEnvironment["AWS_SECRET_ACCESS_KEY"] = "testSecretKey";
        return harness;
    }

    /// <summary>Starts an execution environment; with <paramref name="restartOnExit"/>, a new one replaces it whenever it dies.</summary>
    public LambdaFunctionProcess StartFunction(bool restartOnExit = true)
    {
        _restartOnExit = restartOnExit;
        var process = LambdaFunctionProcess.Start(FunctionBuild.Launch() with { Environment = FunctionEnvironment }, Emulator);
        lock (_gate)
        {
            _processes.Add(process);
        }

        _ = process.Exited.ContinueWith(
            _ =>
            {
                if (Volatile.Read(ref _restartOnExit))
                {
                    StartFunction();
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return process;
    }

    public Task SendAsync(Order order) => Sqs.SendMessageAsync(QueueUrl, OrderJson.Serialize(order));

    public async Task<int> MessagesLeftAsync()
    {
        var left = await Sqs.GetQueueAttributesAsync(new GetQueueAttributesRequest
        {
            QueueUrl = QueueUrl,
            AttributeNames = [QueueAttributeName.ApproximateNumberOfMessages, QueueAttributeName.ApproximateNumberOfMessagesNotVisible],
        });
        return left.ApproximateNumberOfMessages + left.ApproximateNumberOfMessagesNotVisible;
    }

    /// <summary>What every function process printed, for assertion messages.</summary>
    public string FunctionOutput()
    {
        lock (_gate)
        {
            return string.Join(Environment.NewLine, _processes.Select((p, i) => $"--- environment {i + 1} (pid {p.Id}) ---{Environment.NewLine}{p.Output}"));
        }
    }

    public async ValueTask DisposeAsync()
    {
        Volatile.Write(ref _restartOnExit, false);
        List<LambdaFunctionProcess> processes;
        lock (_gate)
        {
            processes = [.. _processes];
        }

        foreach (var process in processes)
        {
            await process.DisposeAsync();
        }

        await Emulator.DisposeAsync();
        await Carrier.DisposeAsync();
        _http.Dispose();
        Sqs.Dispose();
    }
}
