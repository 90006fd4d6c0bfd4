using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace SentinelSync.Asset.Metrics;

/// <summary>
/// The partitions of <c>asset.metric_samples</c>: which exist (from <c>asset.metric_partitions</c>), creating the
/// ones a batch needs inside the caller's transaction, creating ahead and dropping expired ones.
/// </summary>
/// <remarks>
/// Thread-safe. The in-memory copy only ever holds partitions read from a committed state, never ones created in
/// a transaction that may still roll back; when it misses it is read again before anything is created.
/// Creators serialize on a transaction-scoped advisory lock, so two transactions never race to create one range.
/// </remarks>
internal sealed partial class MetricPartitionCatalog
{
    private const string ReadSql = "SELECT name, range_start, range_end FROM asset.metric_partitions ORDER BY range_start";
    private const string LockSql = "SELECT pg_advisory_xact_lock(hashtextextended('asset.metric_partitions', 0))";

    private readonly NpgsqlDataSource _dataSource;
    private readonly MetricPartitionLayout _layout;
    private readonly ILogger<MetricPartitionCatalog> _logger;
    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private volatile MetricPartitionRange[] _known = [];
    private int _generation;

    public MetricPartitionCatalog(NpgsqlDataSource dataSource, MetricPartitionLayout layout, ILogger<MetricPartitionCatalog> logger)
    {
        _dataSource = dataSource;
        _layout = layout;
        _logger = logger;
    }

    /// <summary>Whether a committed partition is known to hold <paramref name="time"/>.</summary>
    public bool IsKnown(DateTime time)
    {
        var known = _known;
        int low = 0, high = known.Length - 1;
        while (low <= high)
        {
            var middle = (low + high) / 2;
            var range = known[middle];
            if (time < range.Start)
            {
                high = middle - 1;
            }
            else if (time >= range.End)
            {
                low = middle + 1;
            }
            else
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Drops the in-memory copy (after a failure that may come from a partition dropped elsewhere).</summary>
    public void Forget() => _known = [];

    /// <summary>Reads the committed partitions again.</summary>
    /// <remarks>
    /// One refresh at a time, and callers that waited for one take its result: a burst of misses (late data for a day
    /// this process has not seen) costs one extra pooled connection, not one per caller, whose own connections are
    /// already taken by their transactions.
    /// </remarks>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var generation = Volatile.Read(ref _generation);
        await _refreshing.WaitAsync(cancellationToken);
        try
        {
            if (Volatile.Read(ref _generation) != generation)
            {
                return;
            }

            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
            _known = [.. await ReadAsync(connection, cancellationToken)];
            Interlocked.Increment(ref _generation);
        }
        finally
        {
            _refreshing.Release();
        }
    }

    /// <summary>
    /// Makes sure a partition holds each of <paramref name="times"/>, creating the missing ones in the transaction open
    /// on <paramref name="connection"/> (they appear, and disappear, with it).
    /// </summary>
    /// <returns>The partitions created.</returns>
    public async Task<IReadOnlyList<MetricPartitionRange>> EnsureAsync(NpgsqlConnection connection, IReadOnlyCollection<DateTime> times, CancellationToken cancellationToken)
    {
        var missing = times.Where(time => !IsKnown(time)).ToList();
        if (missing.Count == 0)
        {
            return [];
        }

        await RefreshAsync(cancellationToken);
        missing = missing.Where(time => !IsKnown(time)).Order().ToList();
        if (missing.Count == 0)
        {
            return [];
        }

        // 1. Serialize with every other creator until this transaction ends.
        await using (var command = new NpgsqlCommand(LockSql, connection))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        // 2. What exists now, committed by others or created earlier in this transaction.
        var existing = await ReadAsync(connection, cancellationToken);

        // 3. Create the rest, each fitted between its neighbours.
        var created = new List<MetricPartitionRange>();
        foreach (var time in missing)
        {
            if (existing.Any(range => range.Contains(time)))
            {
                continue;
            }

            var range = _layout.RangeFor(time, existing);
            await using (var command = new NpgsqlCommand("SELECT asset.create_metric_partition(@name, @start, @end)", connection))
            {
                command.Parameters.AddWithValue("name", range.Name);
                command.Parameters.AddWithValue("start", NpgsqlDbType.TimestampTz, range.Start);
                command.Parameters.AddWithValue("end", NpgsqlDbType.TimestampTz, range.End);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            existing.Add(range);
            created.Add(range);
            PartitionCreated(_logger, range.Name, range.Start, range.End);
        }

        return created;
    }

    /// <summary>
    /// Creates the partitions of the slot holding <paramref name="now"/> and of the <paramref name="ahead"/> slots after it,
    /// each in its own short transaction that gives up on a lock wait after <paramref name="lockTimeout"/>.
    /// </summary>
    /// <returns>The partitions created.</returns>
    public async Task<IReadOnlyList<MetricPartitionRange>> CreateAheadAsync(DateTime now, int ahead, TimeSpan lockTimeout, CancellationToken cancellationToken)
    {
        var times = new List<DateTime>();
        var slot = _layout.SlotStart(now);
        for (var i = 0; i <= ahead; i++)
        {
            times.Add(slot);
            slot = _layout.NextSlot(slot);
        }

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await SetLockTimeoutAsync(connection, lockTimeout, cancellationToken);
        var created = await EnsureAsync(connection, times, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return created;
    }

    /// <summary>
    /// Drops every partition whose range ended at or before <paramref name="cutoff"/>, one transaction each. Rows are
    /// never deleted one by one.
    /// </summary>
    /// <returns>The partitions dropped.</returns>
    public async Task<IReadOnlyList<MetricPartitionRange>> DropExpiredAsync(DateTime cutoff, TimeSpan lockTimeout, CancellationToken cancellationToken)
    {
        var dropped = new List<MetricPartitionRange>();
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var expired = (await ReadAsync(connection, cancellationToken)).Where(range => range.End <= cutoff).ToList();
        foreach (var range in expired)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await SetLockTimeoutAsync(connection, lockTimeout, cancellationToken);
            await using (var command = new NpgsqlCommand(LockSql, connection))
            {
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            await using (var command = new NpgsqlCommand("SELECT asset.drop_metric_partition(@name)", connection))
            {
                command.Parameters.AddWithValue("name", range.Name);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            dropped.Add(range);
            PartitionDropped(_logger, range.Name, range.Start, range.End);
        }

        return dropped;
    }

    private static async Task SetLockTimeoutAsync(NpgsqlConnection connection, TimeSpan lockTimeout, CancellationToken cancellationToken)
    {
        // set_config takes a parameter where SET would need the value spliced into the text.
        await using var command = new NpgsqlCommand("SELECT set_config('lock_timeout', @value, true)", connection);
        command.Parameters.AddWithValue("value", ((long)lockTimeout.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture) + "ms");
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<List<MetricPartitionRange>> ReadAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var ranges = new List<MetricPartitionRange>();
        await using var command = new NpgsqlCommand(ReadSql, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ranges.Add(new MetricPartitionRange(reader.GetString(0), reader.GetFieldValue<DateTime>(1), reader.GetFieldValue<DateTime>(2)));
        }

        return ranges;
    }
}
