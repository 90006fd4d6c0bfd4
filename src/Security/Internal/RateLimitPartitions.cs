using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;

namespace SentinelSync.Security.Internal;

/// <summary>One fixed-window limiter per authenticated principal, and one per client address (<see cref="ClientAddressResolver"/>) for everyone else.</summary>
internal static class RateLimitPartitions
{
    public static PartitionedRateLimiter<HttpContext> Create(RateLimitingOptions options, ClientAddressResolver addresses)
    {
        return PartitionedRateLimiter.Create<HttpContext, string>(context =>
        {
            var key = KeyOf(context, addresses);
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

    public static string KeyOf(HttpContext context, ClientAddressResolver addresses) => context.GetSentinelPrincipal() is { } principal
        ? "p:" + PrincipalJson.KindName(principal.Kind) + ":" + principal.Name
        : "a:" + addresses.Resolve(context);
}
