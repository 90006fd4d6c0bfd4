using Grpc.Core;
using SentinelSync.Security;

namespace SentinelSync.Asset;

/// <summary>Who is calling, as far as the asset role needs to know (authors of tokens and configs).</summary>
internal static class CallerIdentity
{
    /// <summary>The author recorded when a call carries no principal.</summary>
    public const string System = "system";

    /// <summary>
    /// The principal's name: the Sentinel principal the access control interceptor established for this call
    /// (from the gateway's signed <c>x-sentinel-principal</c> or the caller's own credentials), else the one the
    /// authentication handler put on the request, else an authenticated ASP.NET Core user, else <c>system</c>.
    /// </summary>
    public static string PrincipalName(ServerCallContext context)
    {
        if (context.GetSentinelPrincipal() is { Name.Length: > 0 } caller)
        {
            return caller.Name;
        }

        var httpContext = context.GetHttpContext();
        if (httpContext.GetSentinelPrincipal() is { Name.Length: > 0 } principal)
        {
            return principal.Name;
        }

        return httpContext.User.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name } ? name : System;
    }
}
