using System.Net;
using System.Text;
using OrderShippingConsumer.Shipping;

namespace OrderShippingConsumer.Tests;

public sealed class HttpShippingApiTests
{
    [Fact]
    public async Task Given_an_idempotency_key_Then_it_travels_as_the_Idempotency_Key_header()
    {
        var handler = new CapturingHandler();
        var api = new HttpShippingApi(new HttpClient(handler) { BaseAddress = new Uri("https://carrier.test/") });

        var receipt = await api.ShipAsync(new ShipmentRequest("ORD-1", "USR-1", "SKU-1"), "order-shipping#abc", CancellationToken.None);

        Assert.Equal("SHP-9", receipt.ShipmentId);
        var request = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("https://carrier.test/shipments", request.RequestUri!.ToString());
        Assert.Equal(["order-shipping#abc"], request.Headers.GetValues(HttpShippingApi.IdempotencyKeyHeader));
    }

    private sealed class CapturingHandler : HttpMessageHandler
    {
        public List<HttpRequestMessage> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add(request);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent("""{"shipmentId":"SHP-9","orderId":"ORD-1","trackingNumber":"TRK-9"}""", Encoding.UTF8, "application/json"),
            });
        }
    }
}
