using System.Text;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using SentinelSync.Asset.Agents;
using SentinelSync.Contracts.Agent.V1;
using SentinelSync.Contracts.Asset.V1;

namespace SentinelSync.Asset.Metrics;

/// <summary>
/// Agent metrics in PostgreSQL: samples appended with binary COPY into time-partitioned <c>asset.metric_samples</c>,
/// one narrow row per sample pointing at its series (agent, name, labels) in <c>asset.metric_series</c>; queries
/// aggregate them into steps.
/// </summary>
/// <remarks>
/// Thread-safe; one instance serves every call. <see cref="AppendAsync"/> writes only inside the caller's
/// transaction, so samples commit (or vanish) with the caller's deduplication record.
/// </remarks>
internal sealed partial class MetricStore
{
    /// <summary>The longest metric name accepted.</summary>
    public const int MaxNameLength = 256;

    /// <summary>The largest label set accepted, as UTF-8 JSON (it is part of a unique index key).</summary>
    public const int MaxLabelsBytes = 2048;

    /// <summary>The most series one query may return.</summary>
    public const int MaxSeriesPerQuery = 1_000;

    private const string LookupSeriesSql = """
        SELECT t.ord, s.series_id
        FROM unnest(@names, @labels) WITH ORDINALITY AS t(name, labels, ord)
        JOIN asset.metric_series s ON s.agent_id = @agent AND s.name = t.name AND s.labels = t.labels
        """;

    private const string InsertSeriesSql = """
        INSERT INTO asset.metric_series (agent_id, name, labels)
        SELECT @agent, t.name, t.labels FROM unnest(@names, @labels) AS t(name, labels)
        ON CONFLICT ON CONSTRAINT metric_series_key DO NOTHING
        """;

    private const string FindSeriesSql = """
        SELECT series_id, agent_id, labels::text
        FROM asset.metric_series
        WHERE agent_id = ANY(@agents) AND name = @name AND labels @> @labels
        ORDER BY agent_id, series_id
        LIMIT @limit
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly MetricPartitionCatalog _partitions;
    private readonly AgentRegistry _agents;
    private readonly IOptionsMonitor<MetricsOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<MetricStore> _logger;

    public MetricStore(
        NpgsqlDataSource dataSource,
        MetricPartitionCatalog partitions,
        AgentRegistry agents,
        IOptionsMonitor<MetricsOptions> options,
        TimeProvider timeProvider,
        ILogger<MetricStore> logger)
    {
        _dataSource = dataSource;
        _partitions = partitions;
        _agents = agents;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>
    /// Appends the samples of <paramref name="batches"/> for <paramref name="agentId"/> in the transaction open on
    /// <paramref name="connection"/>: creates the partitions and series they need there, then COPYs them in binary.
    /// </summary>
    /// <remarks>
    /// Samples that cannot be stored (no time, older than the retention, too far in the future, an empty or too long
    /// name, too large labels, a value that is not finite) are counted, logged and left out; the rest are stored.
    /// A failure leaves the transaction failed: the caller rolls back, and nothing of this call remains.
    /// </remarks>
    public async Task AppendAsync(NpgsqlConnection connection, string agentId, IReadOnlyList<MetricBatch> batches, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentException.ThrowIfNullOrEmpty(agentId);
        ArgumentNullException.ThrowIfNull(batches);

        // 1. Accept what can be stored; remember each distinct series and time.
        var options = _options.CurrentValue;
        var now = _timeProvider.GetUtcNow().UtcDateTime;
        var accepted = new SampleSet(now - options.Retention, now + options.FutureTolerance);
        foreach (var batch in batches)
        {
            accepted.Add(batch);
        }

        accepted.LogRefused(_logger, agentId);
        if (accepted.Rows.Count == 0)
        {
            return;
        }

        try
        {
            // 2. Partitions for every time, created in this transaction if missing.
            await _partitions.EnsureAsync(connection, accepted.Times, cancellationToken);

            // 3. Series ids, created in this transaction if new.
            var seriesIds = await ResolveSeriesAsync(connection, agentId, accepted.Series, cancellationToken);

            // 4. The samples.
            await using var importer = await connection.BeginBinaryImportAsync(
                "COPY asset.metric_samples (time, series_id, value) FROM STDIN (FORMAT BINARY)", cancellationToken);
            foreach (var row in accepted.Rows)
            {
                await importer.StartRowAsync(cancellationToken);
                await importer.WriteAsync(row.Time, NpgsqlDbType.TimestampTz, cancellationToken);
                await importer.WriteAsync(seriesIds[row.Series], NpgsqlDbType.Bigint, cancellationToken);
                await importer.WriteAsync(row.Value, NpgsqlDbType.Double, cancellationToken);
            }

            await importer.CompleteAsync(cancellationToken);
        }
        catch
        {
            // A partition may have been dropped by another replica while this one still knew it.
            _partitions.Forget();
            throw;
        }
    }

    /// <summary>
    /// Aggregates one metric of the named agents into steps of <c>step</c> aligned to <c>start</c>: one series per
    /// (agent, label set) that has samples in the range, ordered by agent.
    /// </summary>
    /// <exception cref="RpcException">
    /// <see cref="StatusCode.InvalidArgument"/> for a malformed request or one that matches too many series;
    /// <see cref="StatusCode.NotFound"/> for an agent that was never enrolled.
    /// </exception>
    public async Task<QueryMetricsResponse> QueryAsync(QueryMetricsRequest request, CancellationToken cancellationToken)
    {
        var query = MetricQuery.From(request);
        foreach (var agentId in query.AgentIds)
        {
            if (!await _agents.ExistsAsync(agentId, cancellationToken))
            {
                throw new RpcException(new Status(StatusCode.NotFound, $"agent_ids: no agent '{agentId}' is enrolled."));
            }
        }

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);

        // 1. The series that match agents, name and labels.
        var response = new QueryMetricsResponse();
        var series = new Dictionary<long, MetricSeries>();
        await using (var command = new NpgsqlCommand(FindSeriesSql, connection))
        {
            command.Parameters.AddWithValue("agents", NpgsqlDbType.Array | NpgsqlDbType.Text, query.AgentIds.ToArray());
            command.Parameters.AddWithValue("name", NpgsqlDbType.Text, query.Metric);
            command.Parameters.AddWithValue("labels", NpgsqlDbType.Jsonb, query.LabelsJson);
            command.Parameters.AddWithValue("limit", MaxSeriesPerQuery + 1);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var item = new MetricSeries { AgentId = reader.GetString(1) };
                MetricLabels.Read(reader.GetString(2), item.Labels);
                series.Add(reader.GetInt64(0), item);
            }
        }

        if (series.Count > MaxSeriesPerQuery)
        {
            throw new RpcException(new Status(
                StatusCode.InvalidArgument,
                $"metric '{query.Metric}' has more than {MaxSeriesPerQuery} series for these agents; narrow the query with labels or fewer agent_ids."));
        }

        if (series.Count == 0)
        {
            return response;
        }

        // 2. Their samples in the range, bucketed and aggregated by PostgreSQL.
        await using (var command = new NpgsqlCommand(AggregateSql(query.Aggregation), connection))
        {
            command.Parameters.AddWithValue("series", NpgsqlDbType.Array | NpgsqlDbType.Bigint, series.Keys.ToArray());
            command.Parameters.AddWithValue("start", NpgsqlDbType.TimestampTz, query.Start);
            command.Parameters.AddWithValue("end", NpgsqlDbType.TimestampTz, query.End);
            command.Parameters.AddWithValue("step", NpgsqlDbType.Interval, query.Step);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                series[reader.GetInt64(0)].Points.Add(new MetricPoint
                {
                    Time = Timestamp.FromDateTime(reader.GetFieldValue<DateTime>(1)),
                    Value = reader.GetDouble(2),
                });
            }
        }

        // Series were read in (agent, series_id) order; a series without points in the range is left out.
        response.Series.AddRange(series.Values.Where(item => item.Points.Count > 0));
        return response;
    }

    /// <summary>One fixed statement per aggregation: the text never carries input.</summary>
    private static string AggregateSql(Aggregation aggregation)
    {
        var function = aggregation switch
        {
            Aggregation.Min => "min(m.value)",
            Aggregation.Max => "max(m.value)",
            Aggregation.P95 => "percentile_cont(0.95) WITHIN GROUP (ORDER BY m.value)",
            _ => "avg(m.value)",
        };
        return $"""
            SELECT m.series_id, date_bin(@step, m.time, @start) AS bucket, {function}
            FROM asset.metric_samples m
            WHERE m.series_id = ANY(@series) AND m.time >= @start AND m.time < @end
            GROUP BY m.series_id, bucket
            ORDER BY m.series_id, bucket
            """;
    }

    private static async Task<long[]> ResolveSeriesAsync(NpgsqlConnection connection, string agentId, IReadOnlyList<SeriesKey> keys, CancellationToken cancellationToken)
    {
        var ids = new long[keys.Count];
        var found = await LookupSeriesAsync(connection, agentId, keys, ids, cancellationToken);
        if (found == keys.Count)
        {
            return ids;
        }

        // New series, inserted in one order everywhere so concurrent inserters never deadlock on the unique index.
        var missing = Enumerable.Range(0, keys.Count)
            .Where(index => ids[index] == 0)
            .Select(index => keys[index])
            .OrderBy(key => key.Name, StringComparer.Ordinal)
            .ThenBy(key => key.LabelsJson, StringComparer.Ordinal)
            .ToList();
        await using (var command = new NpgsqlCommand(InsertSeriesSql, connection))
        {
            command.Parameters.AddWithValue("agent", NpgsqlDbType.Text, agentId);
            command.Parameters.AddWithValue("names", NpgsqlDbType.Array | NpgsqlDbType.Text, missing.Select(key => key.Name).ToArray());
            command.Parameters.AddWithValue("labels", NpgsqlDbType.Array | NpgsqlDbType.Jsonb, missing.Select(key => key.LabelsJson).ToArray());
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        found = await LookupSeriesAsync(connection, agentId, keys, ids, cancellationToken);
        if (found != keys.Count)
        {
            throw new InvalidOperationException($"{keys.Count - found} metric series of agent '{agentId}' could not be created.");
        }

        return ids;
    }

    private static async Task<int> LookupSeriesAsync(NpgsqlConnection connection, string agentId, IReadOnlyList<SeriesKey> keys, long[] ids, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(LookupSeriesSql, connection);
        command.Parameters.AddWithValue("agent", NpgsqlDbType.Text, agentId);
        command.Parameters.AddWithValue("names", NpgsqlDbType.Array | NpgsqlDbType.Text, keys.Select(key => key.Name).ToArray());
        command.Parameters.AddWithValue("labels", NpgsqlDbType.Array | NpgsqlDbType.Jsonb, keys.Select(key => key.LabelsJson).ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var found = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            ids[reader.GetInt64(0) - 1] = reader.GetInt64(1);
            found++;
        }

        return found;
    }

    /// <summary>A series of one agent: metric name and canonical label JSON.</summary>
    private readonly record struct SeriesKey(string Name, string LabelsJson);

    /// <summary>One sample to store: its time, the index of its series key, its value.</summary>
    private readonly record struct SampleRow(DateTime Time, int Series, double Value);

    /// <summary>The samples of one call that can be stored, and counts of those that cannot, by reason.</summary>
    private sealed class SampleSet
    {
        private readonly DateTime _oldest;
        private readonly DateTime _newest;
        private readonly Dictionary<SeriesKey, int> _seriesIndex = [];
        private readonly HashSet<DateTime> _times = [];
        private int _withoutTime;
        private int _tooOld;
        private int _tooNew;
        private int _malformed;

        public SampleSet(DateTime oldest, DateTime newest)
        {
            _oldest = oldest;
            _newest = newest;
        }

        public List<SampleRow> Rows { get; } = [];

        public List<SeriesKey> Series { get; } = [];

        public IReadOnlyCollection<DateTime> Times => _times;

        public void Add(MetricBatch batch)
        {
            if (batch.Samples.Count == 0)
            {
                return;
            }

            if (!TryReadTime(batch.CollectedAt, out var time))
            {
                _withoutTime += batch.Samples.Count;
                return;
            }

            if (time < _oldest)
            {
                _tooOld += batch.Samples.Count;
                return;
            }

            if (time > _newest)
            {
                _tooNew += batch.Samples.Count;
                return;
            }

            var added = false;
            foreach (var sample in batch.Samples)
            {
                if (string.IsNullOrEmpty(sample.Name) || sample.Name.Length > MaxNameLength || !double.IsFinite(sample.Value))
                {
                    _malformed++;
                    continue;
                }

                var key = new SeriesKey(sample.Name, MetricLabels.ToJson(sample.Labels));
                if (!_seriesIndex.TryGetValue(key, out var index))
                {
                    if (Encoding.UTF8.GetByteCount(key.LabelsJson) > MaxLabelsBytes)
                    {
                        _malformed++;
                        continue;
                    }

                    index = Series.Count;
                    Series.Add(key);
                    _seriesIndex.Add(key, index);
                }

                Rows.Add(new SampleRow(time, index, sample.Value));
                added = true;
            }

            if (added)
            {
                _times.Add(time);
            }
        }

        public void LogRefused(ILogger logger, string agentId)
        {
            if (_withoutTime + _tooOld + _tooNew + _malformed > 0)
            {
                SamplesRefused(logger, agentId, _withoutTime, _tooOld, _tooNew, _malformed, _oldest, _newest);
            }
        }

        private static bool TryReadTime(Timestamp? timestamp, out DateTime time)
        {
            time = default;
            if (timestamp is null)
            {
                return false;
            }

            try
            {
                var value = timestamp.ToDateTime();

                // PostgreSQL keeps microseconds.
                time = new DateTime(value.Ticks - (value.Ticks % 10), DateTimeKind.Utc);
                return true;
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        }
    }
}
