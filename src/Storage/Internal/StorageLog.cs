using Microsoft.Extensions.Logging;

namespace SentinelSync.Storage.Internal;

/// <summary>Storage log messages. Event ids 100–149.</summary>
internal static partial class StorageLog
{
    [LoggerMessage(100, LogLevel.Information, "Schema {Schema}: applied migration {Migration}")]
    public static partial void MigrationApplied(ILogger logger, string schema, string migration);
}
