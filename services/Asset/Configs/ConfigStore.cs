using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using SentinelSync.Asset.Agents;
using SentinelSync.Asset.Data;
using SentinelSync.Contracts.Agent.V1;
using SentinelSync.Contracts.Asset.V1;
using YamlDotNet.RepresentationModel;

namespace SentinelSync.Asset.Configs;

/// <summary>
/// Versioned configuration documents, each for one agent or for a label selector. Every change is a new,
/// immutable version with its author and time, numbered from one sequence shared by all documents, so the
/// effective version of an agent (the highest among the documents that apply to it) grows with every change.
/// </summary>
internal sealed partial class ConfigStore
{
    private const int DefaultPageSize = 50;
    private const int MaxPageSize = 1000;
    private const int MaxCommentLength = 4096;

    private readonly IDbContextFactory<AssetDbContext> _contexts;
    private readonly TimeProvider _time;
    private readonly ILogger<ConfigStore> _logger;

    public ConfigStore(IDbContextFactory<AssetDbContext> contexts, TimeProvider time, ILogger<ConfigStore> logger)
    {
        _contexts = contexts;
        _time = time;
        _logger = logger;
    }

    public async Task<PutConfigResponse> PutAsync(PutConfigRequest request, string author, CancellationToken cancellationToken)
    {
        // 1. The request on its own.
        ConfigDocument.Parse(request.Document);
        if (request.Comment.Length > MaxCommentLength)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"comment is longer than {MaxCommentLength} characters."));
        }

        if (request.BaseVersion < 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "base_version must not be negative."));
        }

        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        ConfigRow config;
        var now = _time.GetUtcNow();
        if (string.IsNullOrEmpty(request.ConfigId))
        {
            // 2a. A new document for its target.
            var (agentId, selector) = await ReadTargetAsync(db, request.Target, cancellationToken);
            if (request.BaseVersion != 0)
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, "base_version must be 0 when creating a config (config_id empty)."));
            }

            if (agentId is not null)
            {
                // One document per agent; concurrent creators serialize on the agent row.
                await db.Agents.FromSql($"SELECT * FROM asset.agents WHERE agent_id = {agentId} FOR UPDATE").SingleAsync(cancellationToken);
                var existing = await db.Configs.AsNoTracking().SingleOrDefaultAsync(c => c.TargetAgentId == agentId, cancellationToken);
                if (existing is not null)
                {
                    throw new RpcException(new Status(StatusCode.AlreadyExists, $"agent {agentId} already has config {existing.ConfigId} (at version {existing.CurrentVersion}); update it with that config_id and base_version."));
                }
            }

            config = new ConfigRow { ConfigId = Guid.NewGuid().ToString(), TargetAgentId = agentId, TargetSelector = selector, CreatedAt = now };
            db.Configs.Add(config);
        }
        else
        {
            // 2b. A new version of an existing document, if nobody changed it since base_version.
            config = await db.Configs.FromSql($"SELECT * FROM asset.configs WHERE config_id = {request.ConfigId} FOR UPDATE").SingleOrDefaultAsync(cancellationToken)
                ?? throw new RpcException(new Status(StatusCode.NotFound, $"config {request.ConfigId} does not exist."));
            if (request.Target is not null && request.Target.TargetCase != ConfigTarget.TargetOneofCase.None && !SameTarget(config, request.Target))
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, $"config {config.ConfigId} targets {DescribeTarget(config)}; a config's target cannot change (create a new config instead)."));
            }

            if (request.BaseVersion != config.CurrentVersion)
            {
                throw new RpcException(new Status(StatusCode.Aborted, $"config {config.ConfigId} is at version {config.CurrentVersion}, not {request.BaseVersion}; read it again and reapply the change."));
            }
        }

        // 3. The version, numbered from the shared sequence.
        var version = await db.Database.SqlQuery<long>($"SELECT nextval('asset.config_version_seq') AS \"Value\"").SingleAsync(cancellationToken);
        config.CurrentVersion = version;
        var row = new ConfigVersionRow
        {
            ConfigId = config.ConfigId,
            Version = version,
            Document = request.Document,
            Author = author,
            Comment = request.Comment,
            CreatedAt = now,
        };
        db.ConfigVersions.Add(row);
        await db.SaveChangesAsync(cancellationToken);
        await db.Database.ExecuteSqlAsync($"SELECT pg_notify('asset_configs', {config.ConfigId})", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        LogVersionStored(_logger, config.ConfigId, version, DescribeTarget(config), author);
        return new PutConfigResponse { Config = ToMessage(config, row) };
    }

    public async Task<ListConfigVersionsResponse> ListVersionsAsync(ListConfigVersionsRequest request, CancellationToken cancellationToken)
    {
        var pageSize = request.PageSize switch
        {
            0 => DefaultPageSize,
            < 0 or > MaxPageSize => throw new RpcException(new Status(StatusCode.InvalidArgument, $"page_size must be between 0 (default {DefaultPageSize}) and {MaxPageSize}; got {request.PageSize}.")),
            _ => request.PageSize,
        };
        long? before = null;
        if (!string.IsNullOrEmpty(request.PageToken))
        {
            before = long.TryParse(request.PageToken, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed)
                ? parsed
                : throw new RpcException(new Status(StatusCode.InvalidArgument, "page_token is not a token this service returned; pass next_page_token unchanged."));
        }

        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        var config = await FindAsync(db, request.ConfigId, cancellationToken);
        var query = db.ConfigVersions.AsNoTracking().Where(v => v.ConfigId == config.ConfigId);
        if (before is { } limit)
        {
            query = query.Where(v => v.Version < limit);
        }

        var rows = await query.OrderByDescending(v => v.Version).Take(pageSize + 1).ToListAsync(cancellationToken);
        var response = new ListConfigVersionsResponse();
        response.Versions.AddRange(rows.Take(pageSize).Select(v => ToMessage(config, v)));
        if (rows.Count > pageSize)
        {
            response.NextPageToken = rows[pageSize - 1].Version.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return response;
    }

    public async Task<DiffConfigVersionsResponse> DiffAsync(DiffConfigVersionsRequest request, CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        var config = await FindAsync(db, request.ConfigId, cancellationToken);
        var toVersion = request.ToVersion == 0 ? config.CurrentVersion : request.ToVersion;
        var before = request.FromVersion == 0 ? string.Empty : await DocumentAsync(db, config.ConfigId, request.FromVersion, cancellationToken);
        var after = await DocumentAsync(db, config.ConfigId, toVersion, cancellationToken);
        return new DiffConfigVersionsResponse
        {
            UnifiedDiff = UnifiedDiff.Create(before, after, $"{config.ConfigId}@{request.FromVersion}", $"{config.ConfigId}@{toVersion}"),
        };
    }

    /// <summary>
    /// The configuration an agent should run: selector documents that match its labels in creation order, then
    /// its own document, deep-merged; the version is the highest among them (0 when none applies).
    /// </summary>
    public async Task<GetEffectiveConfigResponse> GetEffectiveAsync(GetEffectiveConfigRequest request, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request.AgentId))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "agent_id is required."));
        }

        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        var agent = await db.Agents.AsNoTracking().SingleOrDefaultAsync(a => a.AgentId == request.AgentId, cancellationToken)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"agent {request.AgentId} does not exist."));
        var labels = Labels.FromJson(agent.Labels);
        var configs = await db.Configs.AsNoTracking()
            .Where(c => c.TargetSelector != null || c.TargetAgentId == agent.AgentId)
            .ToListAsync(cancellationToken);
        var applicable = configs
            .Where(c => c.TargetAgentId is not null || LabelSelector.Parse(c.TargetSelector).Matches(labels))
            .OrderBy(c => c.TargetAgentId is null ? 0 : 1)
            .ThenBy(c => c.CreatedOrder)
            .ToList();
        // Version numbers are unique across documents (one sequence), so the current ones identify the rows.
        var current = applicable.Select(c => c.CurrentVersion).ToList();
        var documents = await db.ConfigVersions.AsNoTracking()
            .Where(v => current.Contains(v.Version))
            .ToDictionaryAsync(v => v.ConfigId, v => v.Document, cancellationToken);

        var merged = new YamlMappingNode();
        long version = 0;
        foreach (var config in applicable)
        {
            if (documents.TryGetValue(config.ConfigId, out var document))
            {
                ConfigDocument.Merge(merged, ConfigDocument.Parse(document));
                version = Math.Max(version, config.CurrentVersion);
            }
        }

        return new GetEffectiveConfigResponse
        {
            Version = version,
            Document = ConfigDocument.Write(merged),
            Status = new ConfigStatus
            {
                Version = agent.ConfigStatusVersion,
                Applied = agent.ConfigStatusApplied,
                RejectionReason = agent.ConfigRejectionReason,
            },
        };
    }

    /// <summary>The target and current version of a config, for WatchConfigChanges; null when it does not exist.</summary>
    public async Task<WatchConfigChangesResponse?> ChangeAsync(string configId, CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        var config = await db.Configs.AsNoTracking().SingleOrDefaultAsync(c => c.ConfigId == configId, cancellationToken);
        return config is null ? null : new WatchConfigChangesResponse { Target = ToTarget(config), Version = config.CurrentVersion };
    }

    private static async Task<(string? AgentId, string? Selector)> ReadTargetAsync(AssetDbContext db, ConfigTarget? target, CancellationToken cancellationToken)
    {
        switch (target?.TargetCase)
        {
            case ConfigTarget.TargetOneofCase.AgentId:
                if (!await db.Agents.AnyAsync(a => a.AgentId == target.AgentId, cancellationToken))
                {
                    throw new RpcException(new Status(StatusCode.NotFound, $"target.agent_id: agent {target.AgentId} does not exist."));
                }

                return (target.AgentId, null);
            case ConfigTarget.TargetOneofCase.LabelSelector:
                var selector = LabelSelector.ParseField(target.LabelSelector, "target.label_selector");
                return (null, selector.Text.Trim());
            default:
                throw new RpcException(new Status(StatusCode.InvalidArgument, "target is required: an agent_id or a label_selector (empty selector text matches every agent; use a selector such as `env` to be explicit)."));
        }
    }

    private static async Task<ConfigRow> FindAsync(AssetDbContext db, string configId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(configId))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "config_id is required."));
        }

        return await db.Configs.AsNoTracking().SingleOrDefaultAsync(c => c.ConfigId == configId, cancellationToken)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"config {configId} does not exist."));
    }

    private static async Task<string> DocumentAsync(AssetDbContext db, string configId, long version, CancellationToken cancellationToken) =>
        await db.ConfigVersions.AsNoTracking().Where(v => v.ConfigId == configId && v.Version == version).Select(v => v.Document).SingleOrDefaultAsync(cancellationToken)
        ?? throw new RpcException(new Status(StatusCode.NotFound, $"config {configId} has no version {version}."));

    private static bool SameTarget(ConfigRow config, ConfigTarget target) => target.TargetCase switch
    {
        ConfigTarget.TargetOneofCase.AgentId => config.TargetAgentId == target.AgentId,
        ConfigTarget.TargetOneofCase.LabelSelector => config.TargetSelector == target.LabelSelector.Trim(),
        _ => true,
    };

    private static string DescribeTarget(ConfigRow config) =>
        config.TargetAgentId is not null ? $"agent {config.TargetAgentId}" : $"selector '{config.TargetSelector}'";

    private static ConfigTarget ToTarget(ConfigRow config) =>
        config.TargetAgentId is not null ? new ConfigTarget { AgentId = config.TargetAgentId } : new ConfigTarget { LabelSelector = config.TargetSelector ?? string.Empty };

    private static ConfigVersion ToMessage(ConfigRow config, ConfigVersionRow version) => new()
    {
        ConfigId = config.ConfigId,
        Version = version.Version,
        Target = ToTarget(config),
        Document = version.Document,
        Author = version.Author,
        CreatedAt = Timestamp.FromDateTimeOffset(version.CreatedAt),
        Comment = version.Comment,
    };

    [LoggerMessage(EventId = 1070, Level = LogLevel.Information, Message = "Config {ConfigId} version {Version} for {Target} stored by {Author}")]
    private static partial void LogVersionStored(ILogger logger, string configId, long version, string target, string author);
}
