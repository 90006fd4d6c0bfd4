using Grpc.Core;

namespace SentinelSync.Security;

/// <summary>The caller of a gRPC call, as established by the access-control interceptor.</summary>
public static class ServerCallContextPrincipalExtensions
{
    internal const string UserStateKey = "sentinel.principal";

    /// <summary>The authenticated caller, or null for anonymous methods called without credentials.</summary>
    public static SentinelPrincipal? GetSentinelPrincipal(this ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.UserState.TryGetValue(UserStateKey, out var value) ? value as SentinelPrincipal : null;
    }
}
