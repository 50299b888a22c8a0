using OrderShippingConsumer;

// Long-polls the queue in Consumers:Orders and ships each order once; see OrderShippingServices.
var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddOrderShipping(builder.Configuration);
await builder.Build().RunAsync();
