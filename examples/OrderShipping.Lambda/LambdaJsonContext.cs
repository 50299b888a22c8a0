using System.Text.Json.Serialization;
using Amazon.Lambda.SQSEvents;

namespace OrderShipping.Lambda;

/// <summary>
/// Source-generated JSON for the event and the response, so the executable needs no reflection-based
/// serialization and can be published with Native AOT.
/// </summary>
[JsonSerializable(typeof(SQSEvent))]
[JsonSerializable(typeof(SQSBatchResponse))]
internal sealed partial class LambdaJsonContext : JsonSerializerContext;
