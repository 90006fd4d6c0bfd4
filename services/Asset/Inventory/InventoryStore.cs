using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using SentinelSync.Asset.Agents;
using SentinelSync.Contracts.Agent.V1;
using SentinelSync.Contracts.Asset.V1;
using AgentInventory = SentinelSync.Contracts.Agent.V1.Inventory;
using SentinelSync.Contracts.Inventory;

namespace SentinelSync.Asset.Inventory;

/// <summary>
/// The current inventory of every agent (<c>asset.inventories</c>) and the history of its field changes
/// (<c>asset.inventory_changes</c>).
/// </summary>
/// <remarks>
/// Thread-safe; one instance serves every call. <see cref="ApplyAsync"/> writes only inside the caller's transaction
/// and locks the agent's inventory row until it ends, so reports of one agent apply one after another.
/// </remarks>
internal sealed partial class InventoryStore
{
    /// <summary>The page size when the request gives none.</summary>
    public const int DefaultPageSize = 100;

    /// <summary>The largest page; larger requests get this many.</summary>
    public const int MaxPageSize = 1000;

    private const string SelectForUpdateSql = "SELECT inventory FROM asset.inventories WHERE agent_id = @agent FOR UPDATE";

    private const string UpsertSql = """
        INSERT INTO asset.inventories (agent_id, inventory, collected_at, updated_at)
        VALUES (@agent, @inventory, @collected_at, @updated_at)
        ON CONFLICT (agent_id) DO UPDATE
        SET inventory = EXCLUDED.inventory, collected_at = EXCLUDED.collected_at, updated_at = EXCLUDED.updated_at
        """;

    private const string InsertChangesSql = """
        INSERT INTO asset.inventory_changes (agent_id, changed_at, path, old_value, new_value)
        SELECT @agent, @changed_at, t.path, t.old_value, t.new_value
        FROM unnest(@paths, @old_values, @new_values) AS t(path, old_value, new_value)
        """;

    private const string FirstPageSql = """
        SELECT change_id, changed_at, path, old_value, new_value
        FROM asset.inventory_changes
        WHERE agent_id = @agent
        ORDER BY changed_at DESC, change_id DESC
        LIMIT @limit
        """;

    private const string NextPageSql = """
        SELECT change_id, changed_at, path, old_value, new_value
        FROM asset.inventory_changes
        WHERE agent_id = @agent AND (changed_at, change_id) < (@after_changed_at, @after_change_id)
        ORDER BY changed_at DESC, change_id DESC
        LIMIT @limit
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly AgentRegistry _agents;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<InventoryStore> _logger;

    public InventoryStore(NpgsqlDataSource dataSource, AgentRegistry agents, TimeProvider timeProvider, ILogger<InventoryStore> logger)
    {
        _dataSource = dataSource;
        _agents = agents;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>
    /// Applies <paramref name="report"/> to the agent's inventory in the transaction open on <paramref name="connection"/>:
    /// a full report replaces it, a delta replaces the sections it names. Every changed field is recorded with the
    /// report's collection time (the first inventory of an agent is its baseline and records none).
    /// </summary>
    public async Task ApplyAsync(NpgsqlConnection connection, string agentId, InventoryReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentException.ThrowIfNullOrEmpty(agentId);
        ArgumentNullException.ThrowIfNull(report);
        var now = _timeProvider.GetUtcNow().UtcDateTime;
        var collectedAt = ReadTime(report.CollectedAt) ?? Truncate(now);

        // 1. The stored inventory, locked until the caller's transaction ends.
        AgentInventory? previous = null;
        await using (var command = new NpgsqlCommand(SelectForUpdateSql, connection))
        {
            command.Parameters.AddWithValue("agent", NpgsqlDbType.Text, agentId);
            if (await command.ExecuteScalarAsync(cancellationToken) is byte[] bytes)
            {
                previous = AgentInventory.Parser.ParseFrom(bytes);
            }
        }

        // 2. The new inventory.
        AgentInventory next;
        if (report.Full)
        {
            next = report.Inventory?.Clone() ?? new AgentInventory();
        }
        else
        {
            next = InventorySections.Merge(previous ?? new AgentInventory(), report.Inventory ?? new AgentInventory(), report.ChangedSections, out var unknown);
            if (unknown.Count > 0)
            {
                UnknownSectionsSkipped(_logger, agentId, string.Join(", ", unknown));
            }
        }

        // 3. What changed against the stored inventory.
        var changes = previous is null ? [] : InventoryDiff.Compare(previous, next);

        // 4. Store both.
        await using (var command = new NpgsqlCommand(UpsertSql, connection))
        {
            command.Parameters.AddWithValue("agent", NpgsqlDbType.Text, agentId);
            command.Parameters.AddWithValue("inventory", NpgsqlDbType.Bytea, next.ToByteArray());
            command.Parameters.AddWithValue("collected_at", NpgsqlDbType.TimestampTz, collectedAt);
            command.Parameters.AddWithValue("updated_at", NpgsqlDbType.TimestampTz, now);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        if (changes.Count > 0)
        {
            await using var command = new NpgsqlCommand(InsertChangesSql, connection);
            command.Parameters.AddWithValue("agent", NpgsqlDbType.Text, agentId);
            command.Parameters.AddWithValue("changed_at", NpgsqlDbType.TimestampTz, collectedAt);
            command.Parameters.AddWithValue("paths", NpgsqlDbType.Array | NpgsqlDbType.Text, changes.Select(change => change.Path).ToArray());
            command.Parameters.AddWithValue("old_values", NpgsqlDbType.Array | NpgsqlDbType.Text, changes.Select(change => (object?)change.OldValue ?? DBNull.Value).ToArray());
            command.Parameters.AddWithValue("new_values", NpgsqlDbType.Array | NpgsqlDbType.Text, changes.Select(change => (object?)change.NewValue ?? DBNull.Value).ToArray());
            await command.ExecuteNonQueryAsync(cancellationToken);
            ChangesRecorded(_logger, agentId, changes.Count, report.Full);
        }
    }

    /// <summary>The agent's current inventory; an empty response when it has not reported one yet.</summary>
    /// <exception cref="RpcException"><see cref="StatusCode.InvalidArgument"/> without an agent id, <see cref="StatusCode.NotFound"/> for an unknown agent.</exception>
    public async Task<GetInventoryResponse> GetAsync(string agentId, CancellationToken cancellationToken)
    {
        await RequireAgentAsync(agentId, cancellationToken);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT inventory, collected_at FROM asset.inventories WHERE agent_id = @agent", connection);
        command.Parameters.AddWithValue("agent", NpgsqlDbType.Text, agentId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return new GetInventoryResponse();
        }

        return new GetInventoryResponse
        {
            Inventory = AgentInventory.Parser.ParseFrom(reader.GetFieldValue<byte[]>(0)),
            CollectedAt = Timestamp.FromDateTime(reader.GetFieldValue<DateTime>(1)),
        };
    }

    /// <summary>The agent's inventory changes, newest first, one page at a time.</summary>
    /// <exception cref="RpcException">
    /// <see cref="StatusCode.InvalidArgument"/> for a missing agent id, a negative page size or a page token that is not
    /// one this call returned for the agent; <see cref="StatusCode.NotFound"/> for an unknown agent.
    /// </exception>
    public async Task<ListInventoryChangesResponse> ListChangesAsync(ListInventoryChangesRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.PageSize < 0)
        {
            throw Invalid($"page_size: must not be negative; got {request.PageSize}.");
        }

        InventoryPageToken? after = null;
        if (request.PageToken.Length > 0)
        {
            if (!InventoryPageToken.TryDecode(request.PageToken, out var token) || token.AgentId != request.AgentId)
            {
                throw Invalid("page_token: not a token returned by ListInventoryChanges for this agent; start again without it.");
            }

            after = token;
        }

        await RequireAgentAsync(request.AgentId, cancellationToken);
        var pageSize = request.PageSize == 0 ? DefaultPageSize : Math.Min(request.PageSize, MaxPageSize);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(after is null ? FirstPageSql : NextPageSql, connection);
        command.Parameters.AddWithValue("agent", NpgsqlDbType.Text, request.AgentId);
        command.Parameters.AddWithValue("limit", pageSize + 1);
        if (after is { } position)
        {
            command.Parameters.AddWithValue("after_changed_at", NpgsqlDbType.TimestampTz, DateTime.UnixEpoch.AddTicks(position.ChangedAtMicros * 10));
            command.Parameters.AddWithValue("after_change_id", position.ChangeId);
        }

        var response = new ListInventoryChangesResponse();
        long lastId = 0;
        var lastAt = DateTime.MinValue;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (response.Changes.Count == pageSize)
            {
                response.NextPageToken = new InventoryPageToken(request.AgentId, (lastAt - DateTime.UnixEpoch).Ticks / 10, lastId).Encode();
                break;
            }

            lastId = reader.GetInt64(0);
            lastAt = reader.GetFieldValue<DateTime>(1);
            response.Changes.Add(new InventoryChange
            {
                ChangedAt = Timestamp.FromDateTime(lastAt),
                Path = reader.GetString(2),
                OldValue = reader.IsDBNull(3) ? string.Empty : reader.GetString(3),
                NewValue = reader.IsDBNull(4) ? string.Empty : reader.GetString(4),
            });
        }

        return response;
    }

    private async Task RequireAgentAsync(string agentId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(agentId))
        {
            throw Invalid("agent_id: required.");
        }

        if (!await _agents.ExistsAsync(agentId, cancellationToken))
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"agent_id: no agent '{agentId}' is enrolled."));
        }
    }

    private static DateTime? ReadTime(Timestamp? timestamp)
    {
        if (timestamp is null)
        {
            return null;
        }

        try
        {
            return Truncate(timestamp.ToDateTime());
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>PostgreSQL keeps microseconds; page tokens compare against what it kept.</summary>
    private static DateTime Truncate(DateTime time) => new(time.Ticks - (time.Ticks % 10), DateTimeKind.Utc);

    private static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));
}
