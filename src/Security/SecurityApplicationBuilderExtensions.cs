using Microsoft.AspNetCore.Builder;
using SentinelSync.Security.Internal;

namespace SentinelSync.Security;

/// <summary>The edge's protective middleware.</summary>
public static class SecurityApplicationBuilderExtensions
{
    /// <summary>
    /// Adds HSTS (on TLS), <c>X-Content-Type-Options: nosniff</c>, <c>X-Frame-Options: DENY</c>,
    /// <c>Referrer-Policy: no-referrer</c> and a strict Content-Security-Policy to every response.
    /// </summary>
    public static IApplicationBuilder UseSentinelSecurityHeaders(this IApplicationBuilder app) =>
        app.UseMiddleware<SecurityHeadersMiddleware>();

    /// <summary>Caps REST request bodies at <see cref="SecurityOptions.MaxRequestBodyBytes"/> (413 past it).</summary>
    public static IApplicationBuilder UseSentinelRequestLimits(this IApplicationBuilder app) =>
        app.UseMiddleware<RequestSizeLimitMiddleware>();
}
