using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace SentinelSync.Gateway.Transcoding.Internal;

internal sealed partial class TranscodingEndpoint
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 4000, Level = LogLevel.Debug, Message = "Transcoding {HttpMethod} {Path} to {Method}.")]
        public static partial void Transcoding(ILogger logger, string httpMethod, PathString path, string method);

        [LoggerMessage(EventId = 4001, Level = LogLevel.Debug, Message = "Query parameter '{Key}' names no free field of the request of {Method}; ignored.")]
        public static partial void QueryParameterIgnored(ILogger logger, string key, string method);

        [LoggerMessage(EventId = 4002, Level = LogLevel.Debug, Message = "Rejected {HttpMethod} {Path} with HTTP {HttpStatus}: {Reason}")]
        public static partial void RequestRejected(ILogger logger, string httpMethod, PathString path, int httpStatus, string reason);

        [LoggerMessage(EventId = 4003, Level = LogLevel.Debug, Message = "Call to {Method} ended with {StatusCode}: {Detail}")]
        public static partial void CallFailed(ILogger logger, string method, StatusCode statusCode, string detail);

        [LoggerMessage(EventId = 4004, Level = LogLevel.Debug, Message = "The client went away during a call to {Method}; the call is cancelled.")]
        public static partial void ClientWentAway(ILogger logger, string method);

        [LoggerMessage(EventId = 4005, Level = LogLevel.Information, Message = "Stream of {Method} failed after it started with {StatusCode}: {Detail}")]
        public static partial void StreamFailed(ILogger logger, string method, StatusCode statusCode, string detail);

        [LoggerMessage(EventId = 4006, Level = LogLevel.Debug, Message = "Header '{Header}' not forwarded as metadata: {Reason}")]
        public static partial void HeaderNotForwarded(ILogger logger, string header, string reason);

        [LoggerMessage(EventId = 4007, Level = LogLevel.Error, Message = "Transcoding a request to {Method} failed.")]
        public static partial void TranscodingFailed(ILogger logger, Exception exception, string method);
    }
}
