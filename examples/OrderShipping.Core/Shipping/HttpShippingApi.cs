using System.Net.Http.Json;

namespace OrderShipping.Shipping;

/// <summary>A carrier reached over HTTP: <c>POST shipments</c>, the idempotency key in the <c>Idempotency-Key</c> header.</summary>
public sealed class HttpShippingApi : IShippingApi
{
    /// <summary>The header carriers (and payment APIs) use to recognise a retried request.</summary>
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    private readonly HttpClient _http;

    /// <summary>Creates the client; <paramref name="http"/> carries the carrier's base address.</summary>
    public HttpShippingApi(HttpClient http) => _http = http ?? throw new ArgumentNullException(nameof(http));

    /// <inheritdoc />
    public async ValueTask<ShipmentReceipt> ShipAsync(ShipmentRequest request, string? idempotencyKey, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, "shipments") { Content = JsonContent.Create(request, ShippingJsonContext.Default.ShipmentRequest) };
        if (!string.IsNullOrEmpty(idempotencyKey))
        {
            message.Headers.Add(IdempotencyKeyHeader, idempotencyKey);
        }

        using var response = await _http.SendAsync(message, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync(ShippingJsonContext.Default.ShipmentReceipt, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The carrier answered with an empty body.");
    }
}
