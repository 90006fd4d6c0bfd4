using Microsoft.Extensions.Logging;

namespace SentinelSync.Agent.Runtime;

// Event ids 3400-3499 belong to the collection loop.
internal sealed partial class CollectionLoop
{
    [LoggerMessage(EventId = 3400, Level = LogLevel.Information, Message = "Collectors now running: {Collectors}")]
    private partial void LogCollectorsChanged(string collectors);

    [LoggerMessage(EventId = 3401, Level = LogLevel.Information, Message = "Inventory changed ({Changes} changes in {Sections}); spooling a delta")]
    private partial void LogInventoryChanged(int changes, string sections);

    [LoggerMessage(EventId = 3402, Level = LogLevel.Error, Message = "Could not spool a {Kind} report; it is lost")]
    private partial void LogSpoolFailed(Exception exception, string kind);
}
