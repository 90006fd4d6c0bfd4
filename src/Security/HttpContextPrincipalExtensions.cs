using Microsoft.AspNetCore.Http;

namespace SentinelSync.Security;

/// <summary>The caller of an HTTP request, as established by the Sentinel authentication scheme.</summary>
public static class HttpContextPrincipalExtensions
{
    private static readonly object ItemKey = new();

    /// <summary>The authenticated caller, or null when the request proved nothing (or authentication has not run).</summary>
    public static SentinelPrincipal? GetSentinelPrincipal(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Items.TryGetValue(ItemKey, out var value) ? value as SentinelPrincipal : null;
    }

    internal static void SetSentinelPrincipal(this HttpContext context, SentinelPrincipal principal) => context.Items[ItemKey] = principal;
}
