using SentinelSync.Contracts;
using SentinelSync.Contracts.Auth.V1;

namespace SentinelSync.Security;

/// <summary>
/// The one per-method access decision, used by the gRPC interceptor in every service and by the gateway for
/// REST and gRPC alike. Closed by default: a method without an access rule is denied.
/// </summary>
/// <remarks>Pure and thread-safe: the decision depends only on the method's rule and the principal.</remarks>
public sealed class AccessPolicy
{
    private static readonly string[] ExemptServicePrefixes = ["/grpc.health.v1.", "/grpc.reflection."];

    private readonly MethodAccessTable _table;

    /// <summary>A policy over the rules in <paramref name="table"/>.</summary>
    public AccessPolicy(MethodAccessTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        _table = table;
    }

    /// <summary>Decides whether <paramref name="principal"/> (null when the caller proved nothing) may call <paramref name="method"/>.</summary>
    /// <param name="method">The full method path, <c>/package.Service/Method</c>.</param>
    /// <param name="principal">The authenticated caller, or null.</param>
    public AccessDecision Decide(string method, SentinelPrincipal? principal)
    {
        ArgumentNullException.ThrowIfNull(method);
        if (IsExempt(method))
        {
            return AccessDecision.Allow;
        }

        var access = _table.GetAccess(method);
        if (access is null)
        {
            return AccessDecision.Denied(string.Empty, $"{method} declares no access rule, so nobody may call it.");
        }

        switch (ContractCatalog.GetCaller(access))
        {
            case Caller.Anonymous:
                return AccessDecision.Allow;
            case Caller.Agent:
                return principal switch
                {
                    null => AccessDecision.Unauthenticated($"{method} is for enrolled agents: connect with the agent's client certificate."),
                    { Kind: PrincipalKind.Agent } => AccessDecision.Allow,
                    _ => AccessDecision.Denied(string.Empty, $"{method} is for enrolled agents only."),
                };
            case Caller.Internal:
                return principal switch
                {
                    null => AccessDecision.Unauthenticated($"{method} is internal to the platform: it needs the signed principal of a platform role."),
                    { Kind: PrincipalKind.Service } => AccessDecision.Allow,
                    _ => AccessDecision.Denied(string.Empty, $"{method} is internal to the platform; only platform roles may call it."),
                };
            default:
                if (access.Permission.Length == 0)
                {
                    return AccessDecision.Denied(string.Empty, $"{method} names no permission, so nobody may call it.");
                }

                if (principal is null)
                {
                    return AccessDecision.Unauthenticated($"{method} needs a signed-in caller: send 'authorization: Bearer <access token or API key>'.");
                }

                return principal.Kind is PrincipalKind.Person or PrincipalKind.ApiKey or PrincipalKind.Service && principal.HasPermission(access.Permission)
                    ? AccessDecision.Allow
                    : AccessDecision.Denied(access.Permission, $"{principal.Name} lacks permission '{access.Permission}' needed by {method}.");
        }
    }

    private static bool IsExempt(string method)
    {
        foreach (var prefix in ExemptServicePrefixes)
        {
            if (method.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
