using Microsoft.Extensions.Logging;

namespace SentinelSync.Gateway.Transcoding.Internal;

/// <summary>Log messages of mapping the transcoding endpoints.</summary>
internal static partial class TranscodingLog
{
    [LoggerMessage(EventId = 4050, Level = LogLevel.Information, Message = "Mapped {Count} REST transcoding endpoints.")]
    public static partial void EndpointsMapped(ILogger logger, int count);
}
