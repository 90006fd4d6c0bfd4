using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace SentinelSync.Asset.Agents;

/// <summary>
/// Announces agents going offline: every heartbeat interval, agents announced online whose last heartbeat is
/// older than <c>HeartbeatInterval × MissedHeartbeatsOffline</c> are marked offline and notified on
/// <c>asset_agents</c>, so watchers (and the gateways cutting streams) learn of it.
/// </summary>
/// <remarks>
/// The state callers read never depends on this sweep (it is derived from last_seen); the sweep only produces
/// the transition events. Replicas may sweep together: the conditional UPDATE lets each agent be announced once.
/// </remarks>
internal sealed partial class OfflineSweeper : PeriodicDatabaseWork
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly IOptions<AssetOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<OfflineSweeper> _logger;

    public OfflineSweeper(NpgsqlDataSource dataSource, IOptions<AssetOptions> options, TimeProvider time, ILogger<OfflineSweeper> logger)
        : base(time)
    {
        _dataSource = dataSource;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>Marks the agents that went silent offline and notifies them; returns how many.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        await using var command = _dataSource.CreateCommand(
            """
            WITH gone AS (
                UPDATE asset.agents SET announced_state = 2, updated_at = @now
                WHERE announced_state = 1 AND decommissioned_at IS NULL AND last_seen < @cutoff
                RETURNING agent_id)
            SELECT count(pg_notify('asset_agents', agent_id)) FROM gone
            """);
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("cutoff", now - _options.Value.OfflineAfter);
        var count = Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        if (count > 0)
        {
            LogWentOffline(_logger, count);
        }

        return count;
    }

    protected override TimeSpan Period => _options.Value.HeartbeatInterval;

    protected override Task RunOnceAsync(CancellationToken cancellationToken) => SweepAsync(cancellationToken);

    protected override void OnFailed(NpgsqlException exception) => LogSweepFailed(_logger, exception);

    [LoggerMessage(EventId = 1060, Level = LogLevel.Information, Message = "{Count} agents missed their heartbeats and are offline")]
    private static partial void LogWentOffline(ILogger logger, int count);

    [LoggerMessage(EventId = 1061, Level = LogLevel.Warning, Message = "Sweeping offline agents failed; trying again next interval")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
