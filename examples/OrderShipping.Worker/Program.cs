using OrderShipping.Worker;

// Long-polls Consumers:Orders:QueueUrl and ships each order once (see OrderShippingWorker for the registrations).
var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddOrderShippingWorker(builder.Configuration);
await builder.Build().RunAsync();
