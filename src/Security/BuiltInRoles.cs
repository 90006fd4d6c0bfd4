namespace SentinelSync.Security;

/// <summary>The names of the built-in roles, whose permissions <see cref="PermissionModel"/> derives from the contracts.</summary>
public static class BuiltInRoles
{
    /// <summary>Reads everything outside <c>auth.*</c>: every permission whose verb is <c>read</c>, <c>list</c> or <c>watch</c>.</summary>
    public const string Viewer = "viewer";

    /// <summary>The viewer's permissions plus every write outside <c>auth.*</c>.</summary>
    public const string Operator = "operator";

    /// <summary>Every permission, including <c>auth.*</c> (users, roles, API keys).</summary>
    public const string Admin = "admin";

    /// <summary>The three names.</summary>
    public static IReadOnlyList<string> Names { get; } = [Viewer, Operator, Admin];
}
