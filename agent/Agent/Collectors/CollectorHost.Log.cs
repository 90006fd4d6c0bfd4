using Microsoft.Extensions.Logging;

namespace SentinelSync.Agent.Collectors;

// Event ids 3000-3099 belong to the collectors.
internal sealed partial class CollectorHost
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Debug, Message = "Collector {Collector} ran in {DurationMs:F1} ms")]
    private partial void LogCollected(string collector, double durationMs);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Collector {Collector} failed after {DurationMs:F1} ms; the others go on")]
    private partial void LogCollectorFailed(Exception exception, string collector, double durationMs);
}
