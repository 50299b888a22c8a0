using Amazon.Runtime;

namespace IdempotentConsumer.TestInfrastructure.Instrumentation;

/// <summary>
/// Makes an AWS SDK client lose replies: the request reaches the emulator and is served in full, then the client sees a
/// connection reset instead of the reply, as when a send times out after it landed. Pick the operation (read from the
/// <c>X-Amz-Target</c> header, e.g. "SendMessageBatch") and which of its requests (1-based) lose their reply. Thread-safe.
/// </summary>
public sealed class AwsReplyDropper(string operation, Func<int, bool> dropReply)
{
    private readonly string _id = Guid.NewGuid().ToString("N");
    private int _requests;
    private int _dropped;

    /// <summary>Requests of the operation sent so far.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Requests of the operation whose reply was dropped after the emulator served them.</summary>
    public int Dropped => Volatile.Read(ref _dropped);

    /// <summary>Makes clients built from <paramref name="config"/> lose replies, with no SDK retry of their own (the caller's retries are what a test watches).</summary>
    public void Attach(ClientConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.HttpClientFactory = new Factory(this);
        config.MaxErrorRetry = 0;
    }

    private bool ShouldDrop(HttpRequestMessage request)
    {
        if (!request.Headers.TryGetValues("X-Amz-Target", out var targets) || !targets.Any(t => t.EndsWith("." + operation, StringComparison.Ordinal)))
        {
            return false;
        }

        if (!dropReply(Interlocked.Increment(ref _requests)))
        {
            return false;
        }

        Interlocked.Increment(ref _dropped);
        return true;
    }

    private sealed class Factory(AwsReplyDropper dropper) : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig) =>
            new(new DroppingHandler(dropper, new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false })) { Timeout = Timeout.InfiniteTimeSpan };

        public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => true;

        public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;

        // The SDK caches HttpClients by this string across clients: one per dropper.
        public override string GetConfigUniqueString(IClientConfig clientConfig) => $"reply-dropper-{dropper._id}";
    }

    private sealed class DroppingHandler(AwsReplyDropper dropper, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var drop = dropper.ShouldDrop(request);
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (!drop)
            {
                return response;
            }

            // Read the whole reply first: the emulator has finished the request, only its answer is lost.
            await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
            response.Dispose();
            throw new HttpRequestException("The reply was lost after the request was served.", new IOException("Connection reset by peer."));
        }
    }
}
