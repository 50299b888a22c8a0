using System.Text.Json.Serialization;
using Amazon.Lambda.SQSEvents;

namespace OrderShippingConsumer;

/// <summary>Source-generated JSON for the event and the response: the executable needs no reflection-based serialization.</summary>
[JsonSerializable(typeof(SQSEvent))]
[JsonSerializable(typeof(SQSBatchResponse))]
internal sealed partial class LambdaJsonContext : JsonSerializerContext;
