using System.Globalization;
using Grpc.Core;
using Microsoft.AspNetCore.Http;

namespace SentinelSync.Gateway.Internal;

/// <summary>A gRPC answer the edge gives itself: trailers-only, HTTP 200 with the status in the headers.</summary>
internal static class GrpcTrailersOnly
{
    public static Task WriteAsync(HttpContext context, StatusCode code, string message)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/grpc";
        context.Response.Headers["grpc-status"] = ((int)code).ToString(CultureInfo.InvariantCulture);
        context.Response.Headers["grpc-message"] = Uri.EscapeDataString(message);
        return Task.CompletedTask;
    }
}
