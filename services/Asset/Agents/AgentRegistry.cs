using System.Linq.Expressions;
using System.Text;
using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SentinelSync.Asset.Data;
using SentinelSync.Contracts.Asset.V1;

namespace SentinelSync.Asset.Agents;

/// <summary>The registry of enrolled agents: reads with filters and paging, label edits, decommissioning.</summary>
/// <remarks>
/// An agent's state is derived when it is read: decommissioned, else online when its last heartbeat is newer
/// than <c>HeartbeatInterval × MissedHeartbeatsOffline</c>, else offline. So it stays right when the gateway
/// that held the agent's stream died without a word.
/// </remarks>
internal sealed partial class AgentRegistry
{
    /// <summary>The NOTIFY channel that carries the id of an agent that changed.</summary>
    public const string ChangeChannel = "asset_agents";

    private const int DefaultPageSize = 100;
    private const int MaxPageSize = 1000;

    private readonly IDbContextFactory<AssetDbContext> _contexts;
    private readonly IOptions<AssetOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<AgentRegistry> _logger;

    public AgentRegistry(IDbContextFactory<AssetDbContext> contexts, IOptions<AssetOptions> options, TimeProvider time, ILogger<AgentRegistry> logger)
    {
        _contexts = contexts;
        _options = options;
        _time = time;
        _logger = logger;
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

    public async Task<GetAgentResponse> GetAsync(GetAgentRequest request, CancellationToken cancellationToken)
    {
        var row = await FindAsync(request.AgentId, cancellationToken)
            ?? throw NotFound(request.AgentId);
        return new GetAgentResponse { Agent = ToMessage(row) };
    }

    /// <summary>One agent's row, or null.</summary>
    public async Task<AgentRow?> FindAsync(string agentId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(agentId))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "agent_id is required."));
        }

        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        return await db.Agents.AsNoTracking().SingleOrDefaultAsync(agent => agent.AgentId == agentId, cancellationToken);
    }

    public async Task<ListAgentsResponse> ListAsync(ListAgentsRequest request, CancellationToken cancellationToken)
    {
        var pageSize = request.PageSize switch
        {
            0 => DefaultPageSize,
            < 0 or > MaxPageSize => throw new RpcException(new Status(StatusCode.InvalidArgument, $"page_size must be between 0 (default {DefaultPageSize}) and {MaxPageSize}; got {request.PageSize}.")),
            _ => request.PageSize,
        };
        var selector = LabelSelector.ParseField(request.LabelSelector, "label_selector");
        var after = PageToken.Decode(request.PageToken);

        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        var query = Where(db.Agents.AsNoTracking(), selector);
        var cutoff = _time.GetUtcNow() - _options.Value.OfflineAfter;
        query = request.State switch
        {
            AgentState.Unspecified => query,
            AgentState.Online => query.Where(agent => agent.DecommissionedAt == null && agent.LastSeen != null && agent.LastSeen >= cutoff),
            AgentState.Offline => query.Where(agent => agent.DecommissionedAt == null && (agent.LastSeen == null || agent.LastSeen < cutoff)),
            AgentState.Decommissioned => query.Where(agent => agent.DecommissionedAt != null),
            _ => throw new RpcException(new Status(StatusCode.InvalidArgument, $"state {(int)request.State} is not a known agent state.")),
        };
        if (!string.IsNullOrWhiteSpace(request.Search))
        {
            var search = request.Search.Trim().ToLowerInvariant();
            query = query.Where(agent => agent.SearchText.Contains(search));
        }

        if (!string.IsNullOrEmpty(request.AgentVersion))
        {
            query = query.Where(agent => agent.AgentVersion == request.AgentVersion);
        }

        if (after is var (hostname, id))
        {
            query = query.Where(agent => string.Compare(agent.Hostname, hostname) > 0 || (agent.Hostname == hostname && string.Compare(agent.AgentId, id) > 0));
        }

        var rows = await query.OrderBy(agent => agent.Hostname).ThenBy(agent => agent.AgentId).Take(pageSize + 1).ToListAsync(cancellationToken);
        var response = new ListAgentsResponse();
        response.Agents.AddRange(rows.Take(pageSize).Select(ToMessage));
        if (rows.Count > pageSize)
        {
            var last = rows[pageSize - 1];
            response.NextPageToken = PageToken.Encode(last.Hostname, last.AgentId);
        }

        return response;
    }

    public async Task<UpdateAgentLabelsResponse> UpdateLabelsAsync(UpdateAgentLabelsRequest request, string author, CancellationToken cancellationToken)
    {
        Labels.Validate(request.Labels, "labels");
        if (string.IsNullOrEmpty(request.AgentId))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "agent_id is required."));
        }

        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var row = await db.Agents.SingleOrDefaultAsync(agent => agent.AgentId == request.AgentId, cancellationToken)
            ?? throw NotFound(request.AgentId);
        row.Labels = Labels.ToJson(request.Labels);
        row.UpdatedAt = _time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        await NotifyChangedAsync(db, row.AgentId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        LogLabelsUpdated(_logger, row.AgentId, author);
        return new UpdateAgentLabelsResponse { Agent = ToMessage(row) };
    }

    public async Task<DecommissionAgentResponse> DecommissionAsync(DecommissionAgentRequest request, string author, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request.AgentId))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "agent_id is required."));
        }

        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var row = await db.Agents.FromSql($"SELECT * FROM asset.agents WHERE agent_id = {request.AgentId} FOR UPDATE").SingleOrDefaultAsync(cancellationToken)
            ?? throw NotFound(request.AgentId);
        if (row.DecommissionedAt is null)
        {
            var now = _time.GetUtcNow();
            row.DecommissionedAt = now;
            row.DecommissionReason = string.IsNullOrWhiteSpace(request.Reason) ? $"decommissioned by {author}" : request.Reason.Trim();
            row.AnnouncedState = (short)AgentState.Decommissioned;
            row.UpdatedAt = now;
            await db.SaveChangesAsync(cancellationToken);
            await NotifyChangedAsync(db, row.AgentId, cancellationToken);
            LogDecommissioned(_logger, row.AgentId, author, row.DecommissionReason);
        }

        await transaction.CommitAsync(cancellationToken);
        return new DecommissionAgentResponse { Agent = ToMessage(row) };
    }

    /// <summary>The agent's state now, derived from its row.</summary>
    public AgentState StateOf(AgentRow row) => StateOf(row, _time.GetUtcNow(), _options.Value.OfflineAfter);

    public static AgentState StateOf(AgentRow row, DateTimeOffset now, TimeSpan offlineAfter) =>
        row.DecommissionedAt is not null ? AgentState.Decommissioned
        : row.LastSeen is { } lastSeen && lastSeen >= now - offlineAfter ? AgentState.Online
        : AgentState.Offline;

    public Agent ToMessage(AgentRow row)
    {
        var agent = new Agent
        {
            AgentId = row.AgentId,
            Hostname = row.Hostname,
            AgentVersion = row.AgentVersion,
            OsVersion = row.OsVersion,
            State = StateOf(row),
            FirstSeen = Timestamp.FromDateTimeOffset(row.FirstSeen),
            AppliedConfigVersion = row.AppliedConfigVersion,
        };
        if (row.LastSeen is { } lastSeen)
        {
            agent.LastSeen = Timestamp.FromDateTimeOffset(lastSeen);
        }

        agent.Addresses.AddRange(row.Addresses);
        Labels.CopyTo(row.Labels, agent.Labels);
        return agent;
    }

    /// <summary>Filters agents by a label selector in SQL (jsonb containment and key existence).</summary>
    public static IQueryable<AgentRow> Where(IQueryable<AgentRow> query, LabelSelector selector)
    {
        foreach (var requirement in selector.Requirements)
        {
            var key = requirement.Key;
            query = requirement.Operator switch
            {
                LabelOperator.Exists => query.Where(agent => EF.Functions.JsonExists(agent.Labels, key)),
                LabelOperator.DoesNotExist => query.Where(agent => !EF.Functions.JsonExists(agent.Labels, key)),
                LabelOperator.Equals or LabelOperator.In => query.Where(AnyValue(key, requirement.Values)),
                LabelOperator.NotEquals or LabelOperator.NotIn => query.Where(Negate(AnyValue(key, requirement.Values))),
                _ => query,
            };
        }

        return query;
    }

    /// <summary>agent.labels @> {key: v1} OR agent.labels @> {key: v2} …</summary>
    private static Expression<Func<AgentRow, bool>> AnyValue(string key, IReadOnlyList<string> values)
    {
        var parameter = Expression.Parameter(typeof(AgentRow), "agent");
        Expression? body = null;
        foreach (var value in values)
        {
            var json = JsonSerializer.Serialize(new Dictionary<string, string> { [key] = value });
            Expression<Func<AgentRow, bool>> one = agent => EF.Functions.JsonContains(agent.Labels, json);
            var replaced = new ParameterReplacer(one.Parameters[0], parameter).Visit(one.Body);
            body = body is null ? replaced : Expression.OrElse(body, replaced);
        }

        return Expression.Lambda<Func<AgentRow, bool>>(body ?? Expression.Constant(false), parameter);
    }

    private static Expression<Func<AgentRow, bool>> Negate(Expression<Func<AgentRow, bool>> predicate) =>
        Expression.Lambda<Func<AgentRow, bool>>(Expression.Not(predicate.Body), predicate.Parameters);

    /// <summary>Checks a hostname from a request; returns it trimmed.</summary>
    public static string ValidateHostname(string hostname, string field)
    {
        var trimmed = hostname.Trim();
        if (trimmed.Length is 0 or > 253 || trimmed.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"{field} is required: 1 to 253 characters without spaces or control characters."));
        }

        return trimmed;
    }

    /// <summary>What ListAgents' search matches: lower-case hostname and addresses, one per line.</summary>
    public static string SearchText(string hostname, IEnumerable<string> addresses)
    {
        var text = new StringBuilder(hostname.ToLowerInvariant());
        foreach (var address in addresses)
        {
            text.Append('\n').Append(address.ToLowerInvariant());
        }

        return text.ToString();
    }

    /// <summary>Tells every replica's watchers, when the surrounding transaction commits, that an agent changed.</summary>
    public static Task NotifyChangedAsync(AssetDbContext db, string agentId, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync($"SELECT pg_notify('asset_agents', {agentId})", cancellationToken);

    private static RpcException NotFound(string agentId) =>
        new(new Status(StatusCode.NotFound, $"agent {agentId} does not exist."));

    [LoggerMessage(EventId = 1030, Level = LogLevel.Information, Message = "Labels of agent {AgentId} replaced by {Author}")]
    private static partial void LogLabelsUpdated(ILogger logger, string agentId, string author);

    [LoggerMessage(EventId = 1031, Level = LogLevel.Warning, Message = "Agent {AgentId} decommissioned by {Author}: {Reason}")]
    private static partial void LogDecommissioned(ILogger logger, string agentId, string author, string reason);
}
