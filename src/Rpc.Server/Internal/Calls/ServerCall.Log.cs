using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Grpc.AspNetCore.Server.Internal;

internal sealed partial class ServerCall
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 2101, Level = LogLevel.Error, EventName = "ErrorExecutingServiceMethod", Message = "Error when executing service method '{Method}'.")]
        public static partial void ErrorExecutingServiceMethod(ILogger logger, string method, Exception exception);

        [LoggerMessage(EventId = 2102, Level = LogLevel.Information, EventName = "RpcError", Message = "Error status code '{StatusCode}' with detail '{Detail}' raised.")]
        public static partial void RpcError(ILogger logger, StatusCode statusCode, string detail);

        [LoggerMessage(EventId = 2103, Level = LogLevel.Debug, EventName = "DeadlineExceeded", Message = "The deadline of call '{Method}' passed.")]
        public static partial void DeadlineExceeded(ILogger logger, string method);

        [LoggerMessage(EventId = 2104, Level = LogLevel.Debug, EventName = "CallCancelled", Message = "Call '{Method}' was cancelled by the client.")]
        public static partial void CallCancelled(ILogger logger, string method);

        [LoggerMessage(EventId = 2105, Level = LogLevel.Debug, EventName = "InvalidTimeoutIgnored", Message = "Invalid grpc-timeout value '{Timeout}' ignored.")]
        public static partial void InvalidTimeoutIgnored(ILogger logger, string timeout);

        [LoggerMessage(EventId = 2106, Level = LogLevel.Information, EventName = "UnsupportedRequestEncoding", Message = "Request grpc-encoding '{Encoding}' is not supported.")]
        public static partial void UnsupportedRequestEncoding(ILogger logger, string encoding);

        [LoggerMessage(EventId = 2107, Level = LogLevel.Debug, EventName = "ResponseEncodingNotUsed", Message = "Response encoding '{Encoding}' was asked for, but the server has no such provider or the client does not accept it: the response is not compressed.")]
        public static partial void ResponseEncodingNotUsed(ILogger logger, string encoding);

        [LoggerMessage(EventId = 2108, Level = LogLevel.Error, EventName = "DeadlineCancellationError", Message = "A callback of the call's cancellation token failed when the deadline passed.")]
        public static partial void DeadlineCancellationError(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 2109, Level = LogLevel.Debug, EventName = "ResettingStream", Message = "The handler is still running after the deadline: resetting the stream with HTTP/2 error code {ErrorCode}.")]
        public static partial void ResettingStream(ILogger logger, int errorCode);

        [LoggerMessage(EventId = 2110, Level = LogLevel.Warning, EventName = "DeadlineStatusError", Message = "Sending the DEADLINE_EXCEEDED status or resetting the stream failed.")]
        public static partial void DeadlineStatusError(ILogger logger, Exception exception);
    }
}
