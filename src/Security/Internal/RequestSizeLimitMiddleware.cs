using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace SentinelSync.Security.Internal;

/// <summary>
/// Caps the body of REST requests at <see cref="SecurityOptions.MaxRequestBodyBytes"/> (Kestrel answers 413 past
/// it). gRPC requests are left to the RPC runtime's per-message limits: their bodies are long-lived streams
/// (agent connections, backup uploads) whose total size is not the point.
/// </summary>
internal sealed class RequestSizeLimitMiddleware
{
    private readonly RequestDelegate _next;
    private readonly long _limit;

    public RequestSizeLimitMiddleware(RequestDelegate next, IOptions<SecurityOptions> options)
    {
        _next = next;
        _limit = options.Value.MaxRequestBodyBytes;
    }

    public Task InvokeAsync(HttpContext context)
    {
        var feature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false } && !RpcRequests.IsGrpc(context.Request))
        {
            feature.MaxRequestBodySize = _limit;
            if (context.Request.ContentLength > _limit)
            {
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                return Task.CompletedTask;
            }
        }

        return _next(context);
    }
}
