using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using SentinelSync.Asset.Data;
using SentinelSync.Asset.Notifications;
using SentinelSync.Contracts.Asset.V1;

namespace SentinelSync.Asset.Agents;

/// <summary>
/// WatchAgents: the matching agents as they are now, then every change (enrolled, online, offline, labels,
/// hello, decommissioned) of an agent that matches — or matched and no longer does — the label selector.
/// </summary>
/// <remarks>
/// The subscription to the change feed is taken before the current state is read, so no change falls between
/// the two (a change may be sent twice; watchers treat each message as the agent's latest state).
/// </remarks>
internal sealed class AgentWatch
{
    private static readonly TimeSpan FeedTimeout = TimeSpan.FromSeconds(10);

    private readonly IDbContextFactory<AssetDbContext> _contexts;
    private readonly AgentRegistry _registry;
    private readonly ChangeFeed _feed;

    public AgentWatch(IDbContextFactory<AssetDbContext> contexts, AgentRegistry registry, ChangeFeed feed)
    {
        _contexts = contexts;
        _registry = registry;
        _feed = feed;
    }

    public async Task WatchAsync(WatchAgentsRequest request, IServerStreamWriter<WatchAgentsResponse> stream, CancellationToken cancellationToken)
    {
        var selector = LabelSelector.ParseField(request.LabelSelector, "label_selector");
        await _feed.WaitListeningAsync(FeedTimeout, cancellationToken);
        using var subscription = _feed.Subscribe(ChangeFeed.AgentsChannel);

        // 1. The current state of every matching agent.
        var matched = new HashSet<string>(StringComparer.Ordinal);
        await using (var db = await _contexts.CreateDbContextAsync(cancellationToken))
        {
            var rows = AgentRegistry.Where(db.Agents.AsNoTracking(), selector).OrderBy(agent => agent.Hostname).ThenBy(agent => agent.AgentId).AsAsyncEnumerable();
            await foreach (var row in rows.WithCancellation(cancellationToken))
            {
                matched.Add(row.AgentId);
                await stream.WriteAsync(ToResponse(row), cancellationToken);
            }
        }

        // 2. Each change, as it is committed anywhere.
        while (true)
        {
            var agentId = await subscription.ReadAsync(cancellationToken);
            var row = await _registry.FindAsync(agentId, cancellationToken);
            if (row is null)
            {
                continue;
            }

            if (selector.Matches(Labels.FromJson(row.Labels)))
            {
                matched.Add(agentId);
            }
            else if (!matched.Remove(agentId))
            {
                continue;
            }

            await stream.WriteAsync(ToResponse(row), cancellationToken);
        }
    }

    private WatchAgentsResponse ToResponse(AgentRow row) =>
        new() { Agent = _registry.ToMessage(row), ChangedAt = Timestamp.FromDateTimeOffset(row.UpdatedAt) };
}
