namespace SentinelSync.Server.Hosting;

/// <summary>The roles this process runs, parsed from the <c>Roles</c> setting.</summary>
internal sealed class RoleSet
{
    /// <summary>Every role, in the order they are composed.</summary>
    public static readonly IReadOnlyList<string> Known = ["gateway", "agent-gateway", "asset", "backup", "command", "log", "insight"];

    private readonly HashSet<string> _roles;

    private RoleSet(HashSet<string> roles) => _roles = roles;

    /// <summary>The roles, in composition order.</summary>
    public IEnumerable<string> Names => Known.Where(_roles.Contains);

    /// <summary>Whether a role runs here.</summary>
    public bool Contains(string role) => _roles.Contains(role);

    /// <summary>Parses <c>all</c> or a comma-separated list of known roles.</summary>
    public static bool TryParse(string? value, out RoleSet roles, out string error)
    {
        roles = new RoleSet([]);
        error = string.Empty;
        var names = (value ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (names.Length == 0)
        {
            error = $"no role given; use 'all' or any of: {string.Join(", ", Known)}.";
            return false;
        }

        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            var role = name.ToLowerInvariant();
            if (role == "all")
            {
                set.UnionWith(Known);
            }
            else if (Known.Contains(role))
            {
                set.Add(role);
            }
            else
            {
                error = $"unknown role '{name}'; use 'all' or any of: {string.Join(", ", Known)}.";
                return false;
            }
        }

        roles = new RoleSet(set);
        return true;
    }

    /// <inheritdoc />
    public override string ToString() => string.Join(",", Names);
}
