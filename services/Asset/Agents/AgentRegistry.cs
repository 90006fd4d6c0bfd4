using Microsoft.EntityFrameworkCore;
using SentinelSync.Asset.Data;

namespace SentinelSync.Asset.Agents;

/// <summary>The registry of enrolled agents: reads, label edits, decommissioning.</summary>
internal sealed partial class AgentRegistry
{
    private readonly IDbContextFactory<AssetDbContext> _contexts;

    public AgentRegistry(IDbContextFactory<AssetDbContext> contexts)
    {
        _contexts = contexts;
    }

    /// <summary>Whether an agent with this id was ever enrolled (decommissioned agents included).</summary>
    public async Task<bool> ExistsAsync(string agentId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(agentId))
        {
            return false;
        }

        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        return await db.Agents.AnyAsync(agent => agent.AgentId == agentId, cancellationToken);
    }
}
