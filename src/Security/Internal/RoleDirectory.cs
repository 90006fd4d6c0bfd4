namespace SentinelSync.Security.Internal;

/// <summary>Resolves role names to permissions: built-in roles from the contracts, custom roles from <c>auth.roles</c>.</summary>
internal sealed class RoleDirectory
{
    private readonly PermissionModel _model;
    private readonly AuthStore _store;

    public RoleDirectory(PermissionModel model, AuthStore store)
    {
        _model = model;
        _store = store;
    }

    public PermissionModel Model => _model;

    public async Task<IReadOnlySet<string>> ResolveAsync(IEnumerable<string> roles, CancellationToken cancellationToken)
    {
        var names = roles.ToArray();
        var custom = names.All(_model.BuiltIn.ContainsKey) ? null : await _store.ListCustomRolesAsync(cancellationToken);
        return _model.Resolve(names, custom);
    }

    /// <summary>The names among <paramref name="roles"/> that are neither built in nor stored; empty when all exist.</summary>
    public async Task<IReadOnlyList<string>> FindUnknownAsync(IEnumerable<string> roles, CancellationToken cancellationToken)
    {
        var custom = await _store.ListCustomRolesAsync(cancellationToken);
        return roles.Where(role => !_model.BuiltIn.ContainsKey(role) && !custom.ContainsKey(role)).Distinct(StringComparer.Ordinal).ToArray();
    }
}
