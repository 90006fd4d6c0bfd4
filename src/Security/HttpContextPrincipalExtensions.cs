using Microsoft.AspNetCore.Http;

namespace SentinelSync.Security;

/// <summary>The caller of an HTTP request, as established by the Sentinel authentication scheme.</summary>
public static class HttpContextPrincipalExtensions
{
    /// <summary>The authenticated caller, or null when the request proved nothing (or authentication has not run).</summary>
    /// <remarks>Kept as a request feature rather than in <c>HttpContext.Items</c>, so asking costs no allocation.</remarks>
    public static SentinelPrincipal? GetSentinelPrincipal(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<PrincipalFeature>()?.Principal;
    }

    internal static void SetSentinelPrincipal(this HttpContext context, SentinelPrincipal principal) => context.Features.Set(new PrincipalFeature(principal));

    /// <summary>The request feature that carries the caller.</summary>
    private sealed record PrincipalFeature(SentinelPrincipal Principal);
}
