using Microsoft.Extensions.Logging;

namespace SentinelSync.Agent.Runtime;

// Event ids 3300-3399 belong to the pushed configuration.
internal sealed partial class EffectiveConfiguration
{
    [LoggerMessage(EventId = 3300, Level = LogLevel.Information, Message = "Applied configuration version {Version}: metrics every {MetricsInterval}, inventory every {InventoryInterval}")]
    private partial void LogApplied(long version, string metricsInterval, string inventoryInterval);

    [LoggerMessage(EventId = 3301, Level = LogLevel.Warning, Message = "Rejected configuration version {Version}; the previous one stays in force: {Reason}")]
    private partial void LogRejected(long version, string reason);

    [LoggerMessage(EventId = 3302, Level = LogLevel.Information, Message = "Running the stored configuration version {Version}")]
    private partial void LogRestored(long version);

    [LoggerMessage(EventId = 3303, Level = LogLevel.Warning, Message = "The stored configuration {Path} is unusable ({Reason}); running the local file until the platform pushes one")]
    private partial void LogStoredUnusable(string path, string reason);
}
