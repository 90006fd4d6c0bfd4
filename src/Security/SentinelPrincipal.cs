namespace SentinelSync.Security;

/// <summary>An authenticated caller: who it is, what kind, its roles and the permissions they grant.</summary>
/// <param name="Name">The username, the API key id, the service name or the agent's certificate subject.</param>
/// <param name="Kind">The kind of caller.</param>
/// <param name="Roles">The roles the caller acts with.</param>
/// <param name="Permissions">The permissions the roles grant, resolved when the caller authenticated.</param>
public sealed record SentinelPrincipal(string Name, PrincipalKind Kind, IReadOnlyList<string> Roles, IReadOnlySet<string> Permissions)
{
    /// <summary>
    /// A platform role acting as itself: it may call CALLER_INTERNAL methods, and operator methods only for the
    /// permissions listed here (least privilege: a role names exactly the operator reads it relies on).
    /// </summary>
    public static SentinelPrincipal Service(string name, params string[] permissions) =>
        new(name, PrincipalKind.Service, [], new HashSet<string>(permissions, StringComparer.Ordinal));

    /// <summary>True when the principal holds <paramref name="permission"/>.</summary>
    public bool HasPermission(string permission) => Permissions.Contains(permission);
}
