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

    /// <summary>
    /// Authenticates requests that present credentials (<c>authorization</c> or <c>x-api-key</c>) with the
    /// <see cref="SecurityServiceCollectionExtensions.AuthenticationScheme"/> scheme; requests without any skip the
    /// authentication middleware, whose answer for them is always "nobody".
    /// </summary>
    public static IApplicationBuilder UseSentinelAuthentication(this IApplicationBuilder app) =>
        app.UseWhen(
            context => PrincipalResolver.HasCredentials(context.Request.Headers.Authorization, context.Request.Headers[PrincipalResolver.ApiKeyHeader]),
            branch => branch.UseAuthentication());

    /// <summary>Caps REST request bodies at <see cref="SecurityOptions.MaxRequestBodyBytes"/> (413 past it).</summary>
    public static IApplicationBuilder UseSentinelRequestLimits(this IApplicationBuilder app) =>
        app.UseMiddleware<RequestSizeLimitMiddleware>();
}
