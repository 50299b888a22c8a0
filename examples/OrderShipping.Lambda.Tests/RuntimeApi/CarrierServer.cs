using System.Globalization;
using System.Net;
using System.Text.Json;
using IdempotentConsumer.TestInfrastructure;
using OrderShipping.Shipping;

namespace OrderShipping.Lambda.Tests.RuntimeApi;

/// <summary>
/// The carrier as an HTTP service on 127.0.0.1 (<c>POST /shipments</c> with <c>Idempotency-Key</c>), backed by
/// <see cref="FakeShippingApi"/>: the function process calls it through <see cref="HttpShippingApi"/>, and the
/// test reads every shipment from <see cref="Carrier"/>, across however many function processes ran.
/// </summary>
internal sealed class CarrierServer : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly Task _loop;

    private CarrierServer(HttpListener listener, int port)
    {
        _listener = listener;
        BaseAddress = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/"));
        _loop = Task.Run(AcceptLoopAsync);
    }

    public FakeShippingApi Carrier { get; } = new();

    public Uri BaseAddress { get; }

    /// <summary>Runs before a request is handled (e.g. a slow first call for one order).</summary>
    public Func<ShipmentRequest, Task>? BeforeShipping { get; set; }

    /// <summary>Runs after the parcel shipped and before the answer goes back (e.g. kill the function now).</summary>
    public Func<ShipmentRequest, Task>? AfterShipping { get; set; }

    public static CarrierServer Start()
    {
        var port = FreePort.Next();
        var listener = new HttpListener();
        listener.Prefixes.Add(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/"));
        listener.Start();
        return new CarrierServer(listener, port);
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (Exception ex) when (ex is ObjectDisposedException or HttpListenerException)
        {
            // Closing the listener ends the loop.
        }
    }

    private async Task AcceptLoopAsync()
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

            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        try
        {
            var request = await JsonSerializer.DeserializeAsync<ShipmentRequest>(context.Request.InputStream, JsonSerializerOptions.Web)
                ?? throw new InvalidOperationException("Empty shipment request.");
            if (BeforeShipping is { } before)
            {
                await before(request);
            }

            // The carrier ships whether or not the caller is still waiting: a timed-out caller does not un-ship a parcel.
            var receipt = await Carrier.ShipAsync(request, context.Request.Headers[HttpShippingApi.IdempotencyKeyHeader], CancellationToken.None);
            if (AfterShipping is { } after)
            {
                await after(request);
            }

            var body = JsonSerializer.SerializeToUtf8Bytes(receipt, JsonSerializerOptions.Web);
            context.Response.ContentType = "application/json";
            context.Response.ContentLength64 = body.Length;
            await context.Response.OutputStream.WriteAsync(body);
            context.Response.Close();
        }
        catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException)
        {
            // The function went away before the answer (killed, or timed out).
        }
    }
}
