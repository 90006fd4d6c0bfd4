using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SentinelSync.Security.Internal;

/// <summary>
/// Answers a request the rate limiter refused: 429 with Retry-After for REST; for gRPC a trailers-only
/// response with RESOURCE_EXHAUSTED (HTTP 200, as the gRPC protocol wants) and the same Retry-After.
/// </summary>
internal static class RateLimitRejection
{
    public static ValueTask WriteAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RateLimitRejection));
        SecurityLog.RateLimited(logger, RateLimitPartitions.KeyOf(context, context.RequestServices.GetRequiredService<ClientAddressResolver>()), context.Request.Path);
        context.Response.Headers.RetryAfter = seconds;
        if (RpcRequests.IsGrpc(context.Request))
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "application/grpc";
            context.Response.Headers["grpc-status"] = "8";
            context.Response.Headers["grpc-message"] = Uri.EscapeDataString($"rate limit exceeded; retry after {seconds} s");
            return ValueTask.CompletedTask;
        }

        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return new ValueTask(context.Response.WriteAsync($"rate limit exceeded; retry after {seconds} s", cancellationToken));
    }
}
