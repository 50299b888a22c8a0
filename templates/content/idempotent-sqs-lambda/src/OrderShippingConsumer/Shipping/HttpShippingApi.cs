using System.Net.Http.Json;

namespace OrderShippingConsumer.Shipping;

/// <summary>The carrier's HTTP API: <c>POST shipments</c> with an <c>Idempotency-Key</c> header.</summary>
public sealed class HttpShippingApi(HttpClient http) : IShippingApi
{
    /// <summary>The header carriers (and payment APIs) use to recognise a retried request.</summary>
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <inheritdoc />
    public async Task<ShipmentReceipt> ShipAsync(ShipmentRequest request, string? idempotencyKey, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, "shipments") { Content = JsonContent.Create(request) };
        if (!string.IsNullOrEmpty(idempotencyKey))
        {
            message.Headers.Add(IdempotencyKeyHeader, idempotencyKey);
        }

        using var response = await http.SendAsync(message, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<ShipmentReceipt>(cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The carrier answered with an empty body.");
    }
}
