using System.Globalization;
using System.Net;
using System.Text;
using IdempotentConsumer.TestInfrastructure;

namespace IdempotentConsumer.Lambda.ColdStart;

/// <summary>A carrier that answers every <c>POST /shipments</c> at once with a fixed receipt: cold start should measure the function, not the carrier.</summary>
internal sealed class StaticCarrier : IAsyncDisposable
{
    private static readonly byte[] Receipt = Encoding.UTF8.GetBytes("""{"shipmentId":"SHP-000001","orderId":"ORD","trackingNumber":"TRK000000001"}""");
    private readonly HttpListener _listener = new();
    private readonly Task _loop;

    public StaticCarrier()
    {
        var port = FreePort.Next();
        BaseAddress = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(BaseAddress);
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public string BaseAddress { get; }

    public async ValueTask DisposeAsync()
    {
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
        {
            // Closing the listener ends the loop.
        }
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            context.Response.ContentType = "application/json";
            context.Response.ContentLength64 = Receipt.Length;
            await context.Response.OutputStream.WriteAsync(Receipt);
            context.Response.Close();
        }
    }
}
