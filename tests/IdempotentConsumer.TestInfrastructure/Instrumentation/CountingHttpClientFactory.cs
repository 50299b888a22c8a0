using Amazon.Runtime;

namespace IdempotentConsumer.TestInfrastructure.Instrumentation;

/// <summary>Gives the SDK an HttpClient whose handler reports every request to an <see cref="AwsCallCounter"/>.</summary>
internal sealed class CountingHttpClientFactory(AwsCallCounter counter) : HttpClientFactory
{
    public override HttpClient CreateHttpClient(IClientConfig clientConfig)
    {
        var inner = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            MaxConnectionsPerServer = clientConfig.MaxConnectionsPerServer ?? int.MaxValue,
        };
        return new HttpClient(new CountingHandler(counter, inner)) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => true;

    public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;

    // The SDK caches HttpClients by this string across clients: it must differ per counter, or one
    // client's requests would be counted by another's counter.
    public override string GetConfigUniqueString(IClientConfig clientConfig) => $"counting-{counter.Id}";

    private sealed class CountingHandler(AwsCallCounter counter, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            counter.Record(OperationOf(request));
            return base.SendAsync(request, cancellationToken);
        }

        private static string OperationOf(HttpRequestMessage request)
        {
            if (request.Headers.TryGetValues("X-Amz-Target", out var targets))
            {
                var target = targets.FirstOrDefault();
                if (!string.IsNullOrEmpty(target))
                {
                    var dot = target.LastIndexOf('.');
                    return dot >= 0 ? target[(dot + 1)..] : target;
                }
            }

            return $"{request.Method} {request.RequestUri?.AbsolutePath}";
        }
    }
}
