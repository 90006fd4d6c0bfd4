using Grpc.Core;
using Grpc.Core.Internal;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>
/// What a request must be before it is a gRPC call: HTTP/2 (or later) and a gRPC content-type. Others get
/// an HTTP error with the gRPC status in the headers, as grpc-dotnet answers them.
/// </summary>
internal static partial class GrpcRequestChecks
{
    public static bool TryAccept(HttpContext httpContext, ILogger logger)
    {
        var request = httpContext.Request;
        if (!HttpProtocol.IsHttp2(request.Protocol) && !HttpProtocol.IsHttp3(request.Protocol))
        {
            Log.UnsupportedProtocol(logger, request.Protocol);
            var response = httpContext.Response;
            WriteHttpError(response, StatusCodes.Status426UpgradeRequired, $"Request protocol '{request.Protocol}' is not supported: gRPC needs HTTP/2.");
            response.Headers[HeaderNames.Upgrade] = "HTTP/2";
            return false;
        }

        if (!GrpcProtocol.IsGrpcContentType(request.ContentType))
        {
            Log.UnsupportedContentType(logger, request.ContentType);
            WriteHttpError(httpContext.Response, StatusCodes.Status415UnsupportedMediaType, $"Content-Type '{request.ContentType}' is not supported.");
            return false;
        }

        return true;
    }

    /// <summary>Ends a call before it started with a status in the headers of an HTTP 200 gRPC response.</summary>
    public static void WriteTrailersOnly(HttpResponse response, StatusCode statusCode, string detail)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = GrpcProtocol.ContentType;
        response.Headers[GrpcProtocol.StatusHeader] = GrpcStatusText.Get(statusCode);
        response.Headers[GrpcProtocol.MessageHeader] = PercentEncoding.Encode(detail);
    }

    private static void WriteHttpError(HttpResponse response, int httpStatusCode, string detail)
    {
        response.StatusCode = httpStatusCode;
        response.Headers[GrpcProtocol.StatusHeader] = GrpcStatusText.Get(StatusCode.Internal);
        response.Headers[GrpcProtocol.MessageHeader] = PercentEncoding.Encode(detail);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2120, Level = LogLevel.Information, EventName = "UnsupportedRequestProtocol", Message = "Request protocol '{Protocol}' is not supported: gRPC needs HTTP/2.")]
        public static partial void UnsupportedProtocol(ILogger logger, string protocol);

        [LoggerMessage(EventId = 2121, Level = LogLevel.Information, EventName = "UnsupportedRequestContentType", Message = "Request content-type '{ContentType}' is not supported.")]
        public static partial void UnsupportedContentType(ILogger logger, string? contentType);
    }
}
