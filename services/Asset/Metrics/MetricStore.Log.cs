using Microsoft.Extensions.Logging;

namespace SentinelSync.Asset.Metrics;

internal sealed partial class MetricStore
{
    [LoggerMessage(
        EventId = 1500,
        Level = LogLevel.Warning,
        Message = "Refused metric samples of agent {AgentId}: {WithoutTime} without a valid time, {TooOld} older than {Oldest:O} (retention), {TooNew} after {Newest:O} (clock ahead), {Malformed} with an empty or too long name, too large labels or a value that is not finite.")]
    private static partial void SamplesRefused(ILogger logger, string agentId, int withoutTime, int tooOld, int tooNew, int malformed, DateTime oldest, DateTime newest);
}
