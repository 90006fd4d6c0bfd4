using SentinelSync.AgentGateway;
using SentinelSync.Gateway;
using SentinelSync.Asset;

namespace SentinelSync.Server.Hosting;

/// <summary>
/// The role libraries this host can compose. Each role library exposes <c>Add&lt;Role&gt;</c> and
/// <c>Map&lt;Role&gt;</c>; the host only composes them. A role named in <see cref="RoleSet.Known"/> without a
/// module here has no library yet and contributes nothing.
/// </summary>
internal static class RoleModules
{
    public static readonly IReadOnlyList<RoleModule> All =
    [
        new("gateway", b => b.AddGateway(), a => a.MapGateway()),
        new("agent-gateway", b => b.AddAgentGateway(), a => a.MapAgentGateway()),
        new("asset", b => b.AddAsset(), a => a.MapAsset()),
    ];

    /// <summary>The modules of the roles that run here, in composition order.</summary>
    public static IEnumerable<RoleModule> For(RoleSet roles) => All.Where(module => roles.Contains(module.Name));
}
