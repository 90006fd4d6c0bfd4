using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;

namespace SentinelSync.Security.Internal;

/// <summary>One fixed-window limiter per authenticated principal, and one per client address for everyone else.</summary>
internal static class RateLimitPartitions
{
    public static PartitionedRateLimiter<HttpContext> Create(RateLimitingOptions options)
    {
        return PartitionedRateLimiter.Create<HttpContext, string>(context =>
        {
            var key = KeyOf(context);
            var permits = key.StartsWith("p:", StringComparison.Ordinal) ? options.PermitsPerPrincipal : options.PermitsPerAddress;
            return RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = permits,
                Window = options.Window,
                QueueLimit = 0,
                AutoReplenishment = true,
            });
        });
    }

    public static string KeyOf(HttpContext context) => context.GetSentinelPrincipal() is { } principal
        ? "p:" + PrincipalJson.KindName(principal.Kind) + ":" + principal.Name
        : "a:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
}
