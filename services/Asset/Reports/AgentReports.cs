using System.Net;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using SentinelSync.Asset.Agents;
using SentinelSync.Asset.Inventory;
using SentinelSync.Asset.Metrics;
using SentinelSync.Contracts.Agent.V1;
using SentinelSync.Contracts.Asset.V1;

namespace SentinelSync.Asset.Reports;

/// <summary>
/// Records what arrived on an agent's stream (RecordAgentReports): one transaction per call, with the agent row
/// locked, so reports of one agent are applied once and in order however many gateways deliver them.
/// </summary>
/// <remarks>
/// Spooled reports (sequence &gt; 0) at or below the agent's committed sequence were committed before and are
/// dropped; that is the (agent, sequence) deduplication. Unsequenced messages (hello, pong) always apply.
/// Every message counts as a sign of life; a call of heartbeats alone goes to the <see cref="LivenessBuffer"/>. Log batches and command output belong to other roles and are ignored.
/// </remarks>
internal sealed partial class AgentReports
{
    private const int MaxReportsPerCall = 10_000;

    private readonly NpgsqlDataSource _dataSource;
    private readonly InventoryStore _inventory;
    private readonly MetricStore _metrics;
    private readonly LivenessBuffer _liveness;
    private readonly TimeProvider _time;
    private readonly ILogger<AgentReports> _logger;

    public AgentReports(NpgsqlDataSource dataSource, InventoryStore inventory, MetricStore metrics, LivenessBuffer liveness, TimeProvider time, ILogger<AgentReports> logger)
    {
        _dataSource = dataSource;
        _inventory = inventory;
        _metrics = metrics;
        _liveness = liveness;
        _time = time;
        _logger = logger;
    }

    public async Task<RecordAgentReportsResponse> RecordAsync(RecordAgentReportsRequest request, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request.AgentId))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "agent_id is required (the id from the agent's certificate)."));
        }

        if (request.Reports.Count > MaxReportsPerCall)
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted, $"at most {MaxReportsPerCall} reports per call; got {request.Reports.Count}."));
        }

        // 0. Heartbeats alone commit nothing: gathered and written for every agent at once (one transaction per flush
        //    interval, not per heartbeat). Nothing was committed by this call, so it answers sequence 0.
        if (request.Reports.Count > 0 && request.Reports.All(report => report.Sequence == 0 && report.BodyCase == ConnectRequest.BodyOneofCase.Heartbeat))
        {
            _liveness.Record(request.AgentId, _time.GetUtcNow());
            return new RecordAgentReportsResponse();
        }

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // 1. The agent, locked: concurrent deliveries for one agent serialize here.
        var agent = await LockAgentAsync(connection, request.AgentId, lockRow: request.Reports.Count > 0, cancellationToken);
        if (request.Reports.Count == 0)
        {
            await transaction.CommitAsync(cancellationToken);
            return new RecordAgentReportsResponse { CommittedSequence = (ulong)agent.CommittedSequence };
        }

        // 2. Apply what is new, in order.
        var now = _time.GetUtcNow();
        var committed = agent.CommittedSequence;
        var update = new AgentUpdate(agent);
        var metricBatches = new List<MetricBatch>();
        var dropped = 0;
        foreach (var report in request.Reports)
        {
            var sequence = checked((long)report.Sequence);
            if (sequence != 0 && sequence <= committed)
            {
                dropped++;
                continue;
            }

            switch (report.BodyCase)
            {
                case ConnectRequest.BodyOneofCase.Hello:
                    update.ApplyHello(report.Hello, request.PeerAddress);
                    break;
                case ConnectRequest.BodyOneofCase.Inventory:
                    await _inventory.ApplyAsync(connection, request.AgentId, report.Inventory, cancellationToken);
                    update.ApplyInventory(report.Inventory);
                    break;
                case ConnectRequest.BodyOneofCase.Metrics:
                    metricBatches.Add(report.Metrics);
                    break;
                case ConnectRequest.BodyOneofCase.ConfigStatus:
                    update.ApplyConfigStatus(report.ConfigStatus);
                    break;
            }

            if (sequence > committed)
            {
                committed = sequence;
            }
        }

        if (metricBatches.Count > 0)
        {
            await _metrics.AppendAsync(connection, request.AgentId, metricBatches, cancellationToken);
        }

        // 3. The agent row: liveness, what the messages said, the new committed sequence.
        var cameOnline = agent.AnnouncedState != (short)AgentState.Online;
        await using (var command = new NpgsqlCommand(
            """
            UPDATE asset.agents SET
                last_seen = @now, announced_state = 1, updated_at = @now, committed_sequence = @committed,
                hostname = @hostname, addresses = @addresses, search_text = @search, agent_version = @agent_version,
                os_version = @os_version, applied_config_version = @applied, config_status_version = @status_version,
                config_status_applied = @status_applied, config_rejection_reason = @rejection
            WHERE agent_id = @agent
            """,
            connection))
        {
            command.Parameters.AddWithValue("now", now);
            command.Parameters.AddWithValue("committed", committed);
            command.Parameters.AddWithValue("hostname", update.Hostname);
            command.Parameters.AddWithValue("addresses", NpgsqlDbType.Array | NpgsqlDbType.Text, update.Addresses.ToArray());
            command.Parameters.AddWithValue("search", AgentRegistry.SearchText(update.Hostname, update.Addresses));
            command.Parameters.AddWithValue("agent_version", update.AgentVersion);
            command.Parameters.AddWithValue("os_version", update.OsVersion);
            command.Parameters.AddWithValue("applied", update.AppliedConfigVersion);
            command.Parameters.AddWithValue("status_version", update.ConfigStatusVersion);
            command.Parameters.AddWithValue("status_applied", update.ConfigStatusApplied);
            command.Parameters.AddWithValue("rejection", update.ConfigRejectionReason);
            command.Parameters.AddWithValue("agent", NpgsqlDbType.Text, request.AgentId);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        if (cameOnline || update.Changed)
        {
            await using var notify = new NpgsqlCommand("SELECT pg_notify('asset_agents', @agent)", connection);
            notify.Parameters.AddWithValue("agent", NpgsqlDbType.Text, request.AgentId);
            await notify.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        if (dropped > 0)
        {
            LogDuplicatesDropped(_logger, request.AgentId, dropped, agent.CommittedSequence);
        }

        return new RecordAgentReportsResponse { CommittedSequence = (ulong)committed };
    }

    private static async Task<AgentSnapshot> LockAgentAsync(NpgsqlConnection connection, string agentId, bool lockRow, CancellationToken cancellationToken)
    {
        var sql = """
            SELECT committed_sequence, decommissioned_at, decommission_reason, hostname, addresses, agent_version, os_version,
                   announced_state, applied_config_version, config_status_version, config_status_applied, config_rejection_reason
            FROM asset.agents WHERE agent_id = @agent
            """ + (lockRow ? " FOR UPDATE" : string.Empty);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("agent", NpgsqlDbType.Text, agentId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, $"agent {agentId} is not enrolled; enroll it with an enrollment token."));
        }

        if (!reader.IsDBNull(1))
        {
            var reason = reader.IsDBNull(2) ? string.Empty : ": " + reader.GetString(2);
            throw new RpcException(new Status(StatusCode.PermissionDenied, $"agent {agentId} is decommissioned{reason}; enroll it again with a new enrollment token."));
        }

        return new AgentSnapshot(
            reader.GetInt64(0),
            reader.GetString(3),
            reader.GetFieldValue<string[]>(4),
            reader.GetString(5),
            reader.GetString(6),
            reader.GetInt16(7),
            reader.GetInt64(8),
            reader.GetInt64(9),
            reader.GetBoolean(10),
            reader.GetString(11));
    }

    /// <summary>The columns of the agent row this call may change, as read under the lock.</summary>
    private sealed record AgentSnapshot(
        long CommittedSequence,
        string Hostname,
        string[] Addresses,
        string AgentVersion,
        string OsVersion,
        short AnnouncedState,
        long AppliedConfigVersion,
        long ConfigStatusVersion,
        bool ConfigStatusApplied,
        string ConfigRejectionReason);

    /// <summary>The agent row as the messages of this call change it.</summary>
    private sealed class AgentUpdate(AgentSnapshot agent)
    {
        public string Hostname { get; private set; } = agent.Hostname;

        public List<string> Addresses { get; private set; } = [.. agent.Addresses];

        public string AgentVersion { get; private set; } = agent.AgentVersion;

        public string OsVersion { get; private set; } = agent.OsVersion;

        public long AppliedConfigVersion { get; private set; } = agent.AppliedConfigVersion;

        public long ConfigStatusVersion { get; private set; } = agent.ConfigStatusVersion;

        public bool ConfigStatusApplied { get; private set; } = agent.ConfigStatusApplied;

        public string ConfigRejectionReason { get; private set; } = agent.ConfigRejectionReason;

        /// <summary>Whether something watchers show changed.</summary>
        public bool Changed =>
            Hostname != agent.Hostname || AgentVersion != agent.AgentVersion || OsVersion != agent.OsVersion
            || AppliedConfigVersion != agent.AppliedConfigVersion || !Addresses.SequenceEqual(agent.Addresses);

        public void ApplyHello(Hello hello, string peerAddress)
        {
            if (!string.IsNullOrWhiteSpace(hello.AgentVersion))
            {
                AgentVersion = Truncate(hello.AgentVersion.Trim(), 64);
            }

            if (!string.IsNullOrWhiteSpace(hello.Hostname))
            {
                Hostname = Truncate(hello.Hostname.Trim(), 253);
            }

            if (hello.AppliedConfigVersion > 0)
            {
                AppliedConfigVersion = hello.AppliedConfigVersion;
            }

            if (PeerHost(peerAddress) is { } peer)
            {
                // The address the agent connects from leads; addresses the inventory reported follow.
                Addresses.Remove(peer);
                Addresses.Insert(0, peer);
            }
        }

        public void ApplyInventory(InventoryReport report)
        {
            var inventory = report.Inventory;
            if (inventory is null)
            {
                return;
            }

            if (report.Full || report.ChangedSections.Contains("os"))
            {
                OsVersion = Truncate(inventory.Os?.PrettyName ?? string.Empty, 256);
            }

            if (report.Full || report.ChangedSections.Contains("interfaces"))
            {
                var keep = Addresses.Take(1).ToList();
                foreach (var address in inventory.Interfaces.SelectMany(i => i.Addresses))
                {
                    var host = address.Split('/')[0];
                    if (IPAddress.TryParse(host, out var ip) && !IPAddress.IsLoopback(ip) && !keep.Contains(host))
                    {
                        keep.Add(host);
                    }
                }

                Addresses = keep.Take(64).ToList();
            }
        }

        public void ApplyConfigStatus(ConfigStatus status)
        {
            ConfigStatusVersion = status.Version;
            ConfigStatusApplied = status.Applied;
            ConfigRejectionReason = status.Applied ? string.Empty : Truncate(status.RejectionReason, 4096);
            if (status.Applied)
            {
                AppliedConfigVersion = status.Version;
            }
        }

        private static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];

        /// <summary>The IP of a peer address such as <c>ipv4:10.0.0.5:51234</c>, <c>ipv6:[::1]:5000</c> or <c>10.0.0.5</c>.</summary>
        private static string? PeerHost(string peerAddress)
        {
            if (string.IsNullOrWhiteSpace(peerAddress))
            {
                return null;
            }

            var text = peerAddress.Trim();
            if (text.StartsWith("ipv4:", StringComparison.Ordinal) || text.StartsWith("ipv6:", StringComparison.Ordinal))
            {
                text = text[5..];
            }

            if (IPEndPoint.TryParse(text, out var endpoint))
            {
                return endpoint.Address.ToString();
            }

            return IPAddress.TryParse(text, out var address) ? address.ToString() : null;
        }
    }

    [LoggerMessage(EventId = 1040, Level = LogLevel.Debug, Message = "Dropped {Count} reports of agent {AgentId} already committed (up to sequence {Committed})")]
    private static partial void LogDuplicatesDropped(ILogger logger, string agentId, int count, long committed);
}
