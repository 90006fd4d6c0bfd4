using Npgsql;
using NpgsqlTypes;

namespace SentinelSync.Bench.Metrics;

/// <summary>
/// The plain alternative: parameterized multi-row <c>INSERT ... VALUES (...), (...)</c>, prepared, with series ids
/// resolved up front (so this side does less work than the COPY side, which looks its series up on every call).
/// </summary>
internal sealed class InsertMethod : IIngestMethod
{
    private readonly int _rowsPerStatement;
    private readonly string _sql;
    private readonly Dictionary<(string Agent, string Name, string Core), long> _series;

    public InsertMethod(int rowsPerStatement, Dictionary<(string Agent, string Name, string Core), long> series)
    {
        _rowsPerStatement = rowsPerStatement;
        _series = series;
        var rows = Enumerable.Range(0, rowsPerStatement).Select(row => $"(${(row * 3) + 1}, ${(row * 3) + 2}, ${(row * 3) + 3})");
        _sql = "INSERT INTO asset.metric_samples (time, series_id, value) VALUES " + string.Join(", ", rows);
    }

    public string Name => $"multi-row INSERT ({_rowsPerStatement} rows per statement, prepared)";

    public async Task WriteAsync(NpgsqlConnection connection, Workload.Call call, CancellationToken cancellationToken)
    {
        var rows = call.Batches.SelectMany(batch => batch.Samples.Select(sample => (Time: batch.CollectedAt.ToDateTime(), Series: _series[(call.AgentId, sample.Name, sample.Labels["core"])], sample.Value)));
        await using var command = new NpgsqlCommand(_sql, connection);
        for (var i = 0; i < _rowsPerStatement; i++)
        {
            command.Parameters.Add(new NpgsqlParameter<DateTime> { NpgsqlDbType = NpgsqlDbType.TimestampTz });
            command.Parameters.Add(new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint });
            command.Parameters.Add(new NpgsqlParameter<double> { NpgsqlDbType = NpgsqlDbType.Double });
        }

        await command.PrepareAsync(cancellationToken);
        foreach (var chunk in rows.Chunk(_rowsPerStatement))
        {
            if (chunk.Length != _rowsPerStatement)
            {
                throw new InvalidOperationException("Samples per call must be a multiple of --rows-per-insert.");
            }

            for (var i = 0; i < chunk.Length; i++)
            {
                ((NpgsqlParameter<DateTime>)command.Parameters[i * 3]).TypedValue = chunk[i].Time;
                ((NpgsqlParameter<long>)command.Parameters[(i * 3) + 1]).TypedValue = chunk[i].Series;
                ((NpgsqlParameter<double>)command.Parameters[(i * 3) + 2]).TypedValue = chunk[i].Value;
            }

            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
