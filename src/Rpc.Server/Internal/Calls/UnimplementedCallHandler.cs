using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>Answers calls to a method or service that is not mapped: UNIMPLEMENTED, trailers-only, HTTP 200.</summary>
internal static partial class UnimplementedCallHandler
{
    public static Task HandleUnknownMethodAsync(HttpContext httpContext, ILogger logger)
    {
        if (GrpcRequestChecks.TryAccept(httpContext, logger))
        {
            Log.MethodUnimplemented(logger, httpContext.Request.Path.Value);
            GrpcRequestChecks.WriteTrailersOnly(httpContext.Response, StatusCode.Unimplemented, "Method is unimplemented.");
        }

        return Task.CompletedTask;
    }

    public static Task HandleUnknownServiceAsync(HttpContext httpContext, ILogger logger)
    {
        if (GrpcRequestChecks.TryAccept(httpContext, logger))
        {
            Log.ServiceUnimplemented(logger, httpContext.Request.Path.Value);
            GrpcRequestChecks.WriteTrailersOnly(httpContext.Response, StatusCode.Unimplemented, "Service is unimplemented.");
        }

        return Task.CompletedTask;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2130, Level = LogLevel.Information, EventName = "MethodUnimplemented", Message = "Call to unimplemented method '{Path}'.")]
        public static partial void MethodUnimplemented(ILogger logger, string? path);

        [LoggerMessage(EventId = 2131, Level = LogLevel.Information, EventName = "ServiceUnimplemented", Message = "Call to unimplemented service: '{Path}'.")]
        public static partial void ServiceUnimplemented(ILogger logger, string? path);
    }
}
