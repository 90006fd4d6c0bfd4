using System.Collections.Frozen;
using SentinelSync.Contracts;
using SentinelSync.Contracts.Auth.V1;

namespace SentinelSync.Security;

/// <summary>
/// The permissions the contracts name and the built-in roles derived from them at start-up, so a new RPC's
/// permission lands in the right roles without a hand-written list.
/// </summary>
/// <remarks>
/// The <c>auth</c> area (users, roles, API keys) belongs to admins only, reads included: who holds which key
/// and role is itself sensitive, so viewers and operators see nothing of it.
/// </remarks>
public sealed class PermissionModel
{
    /// <summary>The area whose permissions only admins hold.</summary>
    public const string AuthArea = "auth";

    private static readonly FrozenSet<string> ReadVerbs = new[] { "read", "list", "watch" }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Derives the model from the operator methods of <paramref name="table"/>.</summary>
    public PermissionModel(MethodAccessTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var all = table.Methods
            .Select(ContractCatalog.GetAccess)
            .Where(access => access is not null && ContractCatalog.GetCaller(access) == Caller.Operator && access.Permission.Length > 0)
            .Select(access => access!.Permission)
            .ToFrozenSet(StringComparer.Ordinal);
        AllPermissions = all;
        var viewer = all.Where(p => Area(p) != AuthArea && ReadVerbs.Contains(Verb(p))).ToFrozenSet(StringComparer.Ordinal);
        var @operator = all.Where(p => Area(p) != AuthArea).ToFrozenSet(StringComparer.Ordinal);
        BuiltIn = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal)
        {
            [BuiltInRoles.Viewer] = viewer,
            [BuiltInRoles.Operator] = @operator,
            [BuiltInRoles.Admin] = all,
        }.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>Every permission some operator method names.</summary>
    public IReadOnlySet<string> AllPermissions { get; }

    /// <summary>The built-in roles and their permissions.</summary>
    public IReadOnlyDictionary<string, IReadOnlySet<string>> BuiltIn { get; }

    /// <summary>The area of a permission (<c>asset</c> of <c>asset.agents.read</c>).</summary>
    public static string Area(string permission) => permission.Split('.')[0];

    /// <summary>The verb of a permission (<c>read</c> of <c>asset.agents.read</c>).</summary>
    public static string Verb(string permission) => permission[(permission.LastIndexOf('.') + 1)..];

    /// <summary>
    /// The permissions granted by <paramref name="roles"/>: built-in roles from the contracts, custom roles from
    /// <paramref name="customRoles"/>; unknown roles grant nothing.
    /// </summary>
    public IReadOnlySet<string> Resolve(IEnumerable<string> roles, IReadOnlyDictionary<string, IReadOnlyList<string>>? customRoles = null)
    {
        var permissions = new HashSet<string>(StringComparer.Ordinal);
        foreach (var role in roles)
        {
            if (BuiltIn.TryGetValue(role, out var builtIn))
            {
                permissions.UnionWith(builtIn);
            }
            else if (customRoles is not null && customRoles.TryGetValue(role, out var custom))
            {
                permissions.UnionWith(custom.Where(AllPermissions.Contains));
            }
        }

        return permissions;
    }
}
