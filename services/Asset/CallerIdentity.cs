using Grpc.Core;

namespace SentinelSync.Asset;

/// <summary>Who is calling, as far as the asset role needs to know (authors of tokens and configs).</summary>
internal static class CallerIdentity
{
    /// <summary>The metadata entry that carries the caller's principal name, set by the gateway after authentication.</summary>
    public const string PrincipalHeader = "x-sentinel-principal";

    /// <summary>The author recorded when a call carries no principal.</summary>
    public const string System = "system";

    /// <summary>The principal's name: the authenticated user, else the principal metadata entry, else <c>system</c>.</summary>
    public static string PrincipalName(ServerCallContext context)
    {
        var user = context.GetHttpContext().User.Identity;
        if (user is { IsAuthenticated: true, Name: { Length: > 0 } name })
        {
            return name;
        }

        var header = context.RequestHeaders.GetValue(PrincipalHeader);
        return string.IsNullOrWhiteSpace(header) ? System : header.Trim();
    }
}
