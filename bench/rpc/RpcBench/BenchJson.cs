using System.Text.Json.Serialization;

namespace SentinelSync.Bench.Rpc;

/// <summary>Source-generated JSON for what the benchmark processes tell each other.</summary>
[JsonSerializable(typeof(ServerStats))]
[JsonSerializable(typeof(StreamResult))]
internal sealed partial class BenchJson : JsonSerializerContext;
