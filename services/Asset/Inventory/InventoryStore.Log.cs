using Microsoft.Extensions.Logging;

namespace SentinelSync.Asset.Inventory;

internal sealed partial class InventoryStore
{
    [LoggerMessage(EventId = 1550, Level = LogLevel.Warning, Message = "Inventory delta of agent {AgentId} names sections this platform does not know ({Sections}); they were skipped. Is the agent newer than the platform?")]
    private static partial void UnknownSectionsSkipped(ILogger logger, string agentId, string sections);

    [LoggerMessage(EventId = 1551, Level = LogLevel.Debug, Message = "Recorded {Count} inventory changes of agent {AgentId} (full report: {Full}).")]
    private static partial void ChangesRecorded(ILogger logger, string agentId, int count, bool full);
}
