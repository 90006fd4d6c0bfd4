using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace SentinelSync.Asset.Reports;

/// <summary>
/// Heartbeats (signs of life that commit nothing) gathered in memory and written for every agent at once, each
/// flush interval, in one transaction: one commit per interval instead of one per heartbeat — 10,000 agents at a
/// 10 s heartbeat send 1,000 a second, more commits than a disk that flushes WAL in milliseconds can take. An agent
/// announced offline that beats again is announced online (<c>asset_agents</c>) in that transaction.
/// </summary>
/// <remarks>
/// The rows are locked in agent order before they are changed, so the offline sweep cannot announce an agent
/// offline between this reading its state and writing it. A failed flush puts its heartbeats back for the next one.
/// Decommissioned agents are left as they are. Losing a buffer (a crash) loses at most one interval of liveness.
/// </remarks>
internal sealed partial class LivenessBuffer : PeriodicDatabaseWork
{
    private static readonly TimeSpan MaxFlushInterval = TimeSpan.FromSeconds(1);

    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _time;
    private readonly ILogger<LivenessBuffer> _logger;
    private ConcurrentDictionary<string, DateTimeOffset> _pending = new(StringComparer.Ordinal);

    public LivenessBuffer(NpgsqlDataSource dataSource, IOptions<AssetOptions> options, TimeProvider time, ILogger<LivenessBuffer> logger)
        : base(time)
    {
        _dataSource = dataSource;
        _time = time;
        _logger = logger;
        // Well inside the offline window: at most half a heartbeat interval, at most a second.
        FlushInterval = options.Value.HeartbeatInterval / 2 < MaxFlushInterval ? options.Value.HeartbeatInterval / 2 : MaxFlushInterval;
    }

    /// <summary>How often the gathered heartbeats are written.</summary>
    public TimeSpan FlushInterval { get; }

    /// <summary>Notes that <paramref name="agentId"/> was heard from at <paramref name="seen"/>; written at the next flush.</summary>
    public void Record(string agentId, DateTimeOffset seen) =>
        _pending.AddOrUpdate(agentId, seen, (_, earlier) => seen > earlier ? seen : earlier);

    /// <summary>Writes what was gathered; returns how many agents were written.</summary>
    public async Task<int> FlushAsync(CancellationToken cancellationToken)
    {
        if (_pending.IsEmpty)
        {
            return 0;
        }

        var batch = Interlocked.Exchange(ref _pending, new ConcurrentDictionary<string, DateTimeOffset>(StringComparer.Ordinal));
        var agents = batch.Keys.Order(StringComparer.Ordinal).ToArray();
        var seen = agents.Select(agent => batch[agent]).ToArray();
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var cameOnline = new List<string>();
            await using (var lockRows = new NpgsqlCommand(
                """
                SELECT a.agent_id, a.announced_state FROM asset.agents a
                WHERE a.agent_id = ANY(@agents) AND a.decommissioned_at IS NULL
                ORDER BY a.agent_id FOR UPDATE
                """,
                connection))
            {
                lockRows.Parameters.AddWithValue("agents", NpgsqlDbType.Array | NpgsqlDbType.Text, agents);
                await using var reader = await lockRows.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    if (reader.GetInt16(1) != 1)
                    {
                        cameOnline.Add(reader.GetString(0));
                    }
                }
            }

            int written;
            await using (var update = new NpgsqlCommand(
                """
                UPDATE asset.agents a SET last_seen = GREATEST(a.last_seen, s.seen), announced_state = 1, updated_at = @now
                FROM unnest(@agents, @seen) AS s(agent_id, seen)
                WHERE a.agent_id = s.agent_id AND a.decommissioned_at IS NULL
                """,
                connection))
            {
                update.Parameters.AddWithValue("now", _time.GetUtcNow());
                update.Parameters.AddWithValue("agents", NpgsqlDbType.Array | NpgsqlDbType.Text, agents);
                update.Parameters.AddWithValue("seen", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, seen);
                written = await update.ExecuteNonQueryAsync(cancellationToken);
            }

            if (cameOnline.Count > 0)
            {
                await using var notify = new NpgsqlCommand("SELECT count(pg_notify('asset_agents', agent_id)) FROM unnest(@agents) AS agent_id", connection);
                notify.Parameters.AddWithValue("agents", NpgsqlDbType.Array | NpgsqlDbType.Text, cameOnline.ToArray());
                await notify.ExecuteScalarAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            return written;
        }
        catch
        {
            foreach (var (agent, at) in batch)
            {
                Record(agent, at);
            }

            throw;
        }
    }

    protected override TimeSpan Period => FlushInterval;

    protected override Task RunOnceAsync(CancellationToken cancellationToken) => FlushAsync(cancellationToken);

    protected override void OnFailed(NpgsqlException exception) => LogFlushFailed(_logger, exception);

    [LoggerMessage(EventId = 1080, Level = LogLevel.Warning, Message = "Writing the agents' heartbeats failed; they are written with the next flush")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception);
}
