using Microsoft.Extensions.Logging;

namespace SentinelSync.Asset.Metrics;

internal sealed partial class MetricPartitionCatalog
{
    [LoggerMessage(EventId = 1510, Level = LogLevel.Information, Message = "Created metric partition {Partition} for {Start:O} to {End:O}.")]
    private static partial void PartitionCreated(ILogger logger, string partition, DateTime start, DateTime end);

    [LoggerMessage(EventId = 1511, Level = LogLevel.Information, Message = "Dropped metric partition {Partition} ({Start:O} to {End:O}): older than the retention.")]
    private static partial void PartitionDropped(ILogger logger, string partition, DateTime start, DateTime end);
}
