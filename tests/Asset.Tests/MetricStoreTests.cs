using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using SentinelSync.Contracts.Agent.V1;
using SentinelSync.Contracts.Asset.V1;
using SentinelSync.Testing;
using Duration = Google.Protobuf.WellKnownTypes.Duration;

namespace SentinelSync.Asset.Tests;

[Collection(PostgresCollection.Name)]
public sealed class MetricStoreTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private readonly PostgresFixture _postgres;

    public MetricStoreTests(PostgresFixture postgres) => _postgres = postgres;

    [Fact]
    public async Task AppendAsync_HundredThousandSamplesInOneCall_StoresEveryValueExactly()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var db = await MetricTestDatabase.CreateAsync(_postgres, new FakeClock(Now), cts.Token);
        var agent = await db.AddAgentAsync(cts.Token);

        // 1,000 batches 50 s apart (across midnight: two partitions) of 100 series each.
        var batches = Enumerable.Range(0, 1000).Select(i => Batch(Now.AddHours(-18).AddSeconds(i * 50), Enumerable.Range(0, 100).Select(s => Sample("load", (i * 100) + s, ("core", s.ToString())))))
            .ToList();
        await db.AppendAsync(agent, batches, cts.Token).WaitAsync(cts.Token);

        Assert.Equal(100_000L, await db.ScalarAsync<long>("SELECT count(*) FROM asset.metric_samples", cts.Token));
        Assert.Equal(4_999_950_000d, await db.ScalarAsync<double>("SELECT sum(value) FROM asset.metric_samples", cts.Token));
        Assert.Equal(100L, await db.ScalarAsync<long>("SELECT count(*) FROM asset.metric_series", cts.Token));
        Assert.Equal(1000L, await db.ScalarAsync<long>("SELECT count(DISTINCT time) FROM asset.metric_samples", cts.Token));
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM (SELECT series_id, time FROM asset.metric_samples GROUP BY 1, 2 HAVING count(*) > 1) AS duplicates", cts.Token));
        Assert.Equal(["metric_samples_p20261121", "metric_samples_p20261122"], await PartitionsAsync(db, cts.Token));
    }

    [Fact]
    public async Task AppendAsync_SampleInDayWithoutPartition_CreatesThatDaysPartition()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var db = await MetricTestDatabase.CreateAsync(_postgres, new FakeClock(Now), cts.Token);
        var agent = await db.AddAgentAsync(cts.Token);
        await db.Maintenance.RunOnceAsync(cts.Token);
        Assert.DoesNotContain("metric_samples_p20261117", await PartitionsAsync(db, cts.Token));

        await db.AppendAsync(agent, [Batch(Now.AddDays(-5), [Sample("cpu", 42)])], cts.Token);

        Assert.Contains("metric_samples_p20261117", await PartitionsAsync(db, cts.Token));
        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT count(*) FROM asset.metric_samples_p20261117 WHERE value = 42", cts.Token));
    }

    [Fact]
    public async Task AppendAsync_ConcurrentWritersForADayWithoutPartition_AllCommitIntoOnePartition()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var db = await MetricTestDatabase.CreateAsync(_postgres, new FakeClock(Now), cts.Token);
        var agents = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            agents.Add(await db.AddAgentAsync(cts.Token));
        }

        await Task.WhenAll(agents.Select((agent, i) => db.AppendAsync(agent, [Batch(Now.AddDays(-3), [Sample("cpu", i + 1)])], cts.Token))).WaitAsync(cts.Token);

        Assert.Equal(["metric_samples_p20261119"], await PartitionsAsync(db, cts.Token));
        Assert.Equal(10d, await db.ScalarAsync<double>("SELECT sum(value) FROM asset.metric_samples", cts.Token));
    }

    [Fact]
    public async Task AppendAsync_CallerRollsBack_LeavesNoSampleSeriesOrPartition()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var db = await MetricTestDatabase.CreateAsync(_postgres, new FakeClock(Now), cts.Token);
        var agent = await db.AddAgentAsync(cts.Token);

        await using (var connection = await db.DataSource.OpenConnectionAsync(cts.Token))
        {
            await using var transaction = await connection.BeginTransactionAsync(cts.Token);
            await db.Metrics.AppendAsync(connection, agent, [Batch(Now, [Sample("cpu", 1), Sample("mem", 2)])], cts.Token);
            await transaction.RollbackAsync(cts.Token);
        }

        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM asset.metric_samples", cts.Token));
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM asset.metric_series", cts.Token));
        Assert.Empty(await PartitionsAsync(db, cts.Token));

        // The rolled-back partition is not remembered: the next append creates it again.
        await db.AppendAsync(agent, [Batch(Now, [Sample("cpu", 3)])], cts.Token);
        Assert.Equal(3d, await db.ScalarAsync<double>("SELECT sum(value) FROM asset.metric_samples", cts.Token));
    }

    [Fact]
    public async Task AppendAsync_SamplesThatCannotBeStored_AreSkippedAndTheRestStored()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var db = await MetricTestDatabase.CreateAsync(_postgres, new FakeClock(Now), cts.Token);
        var agent = await db.AddAgentAsync(cts.Token);

        await db.AppendAsync(
            agent,
            [
                Batch(Now.AddDays(-31), [Sample("cpu", 1)]),
                Batch(Now.AddYears(20), [Sample("cpu", 2)]),
                new MetricBatch { Samples = { Sample("cpu", 4) } },
                Batch(Now, [Sample("cpu", double.NaN), Sample(string.Empty, 8), Sample(new string('x', 300), 16), Sample("cpu", 32)]),
            ],
            cts.Token);

        Assert.Equal(32d, await db.ScalarAsync<double>("SELECT sum(value) FROM asset.metric_samples", cts.Token));
        Assert.Equal(["metric_samples_p20261122"], await PartitionsAsync(db, cts.Token));
    }

    [Fact]
    public async Task QueryAsync_KnownValues_MinAvgMaxP95Exact()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var db = await MetricTestDatabase.CreateAsync(_postgres, new FakeClock(Now), cts.Token);
        var agent = await db.AddAgentAsync(cts.Token);
        var start = Now.AddHours(-1);

        // 1..100, one a second, all in one 5-minute step.
        await db.AppendAsync(agent, Enumerable.Range(1, 100).Select(i => Batch(start.AddSeconds(i), [Sample("cpu", i)])).ToList(), cts.Token);

        async Task<double> Aggregate(Aggregation aggregation)
        {
            var response = await db.Metrics.QueryAsync(Query(agent, "cpu", start, start.AddMinutes(5), TimeSpan.FromMinutes(5), aggregation), cts.Token);
            var point = Assert.Single(Assert.Single(response.Series).Points);
            Assert.Equal(Timestamp.FromDateTimeOffset(start), point.Time);
            return point.Value;
        }

        Assert.Equal(1d, await Aggregate(Aggregation.Min));
        Assert.Equal(50.5d, await Aggregate(Aggregation.Avg));
        Assert.Equal(100d, await Aggregate(Aggregation.Max));
        Assert.Equal(95.05d, await Aggregate(Aggregation.P95), 9);
        Assert.Equal(50.5d, await Aggregate(Aggregation.Unspecified));
    }

    [Fact]
    public async Task QueryAsync_Step_BucketsAlignedToStartAndRangeHalfOpen()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var db = await MetricTestDatabase.CreateAsync(_postgres, new FakeClock(Now), cts.Token);
        var agent = await db.AddAgentAsync(cts.Token);
        var start = Now.AddMinutes(-10).AddSeconds(7);

        // Seconds after start: -1 (before), 0 and 9 (first step), 10 and 15 (second), 29 (third), 30 (= end, outside).
        var offsets = new[] { -1, 0, 9, 10, 15, 29, 30 };
        await db.AppendAsync(agent, offsets.Select(offset => Batch(start.AddSeconds(offset), [Sample("cpu", offset)])).ToList(), cts.Token);

        var response = await db.Metrics.QueryAsync(Query(agent, "cpu", start, start.AddSeconds(30), TimeSpan.FromSeconds(10), Aggregation.Max), cts.Token);

        var points = Assert.Single(response.Series).Points;
        Assert.Equal([start, start.AddSeconds(10), start.AddSeconds(20)], points.Select(point => point.Time.ToDateTimeOffset()));
        Assert.Equal([9d, 15d, 29d], points.Select(point => point.Value));
    }

    [Fact]
    public async Task QueryAsync_LabelFilterAndAgents_OneSeriesPerAgentAndLabelSet()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var db = await MetricTestDatabase.CreateAsync(_postgres, new FakeClock(Now), cts.Token);
        var first = await db.AddAgentAsync(cts.Token);
        var second = await db.AddAgentAsync(cts.Token);
        foreach (var agent in new[] { first, second })
        {
            await db.AppendAsync(
                agent,
                [Batch(Now.AddMinutes(-1), [Sample("disk.used_bytes", 10, ("mount", "/"), ("device", "sda1")), Sample("disk.used_bytes", 20, ("mount", "/var"), ("device", "sda2")), Sample("cpu", 5)])],
                cts.Token);
        }

        var all = await db.Metrics.QueryAsync(Query(first, "disk.used_bytes", Now.AddHours(-1), Now, TimeSpan.FromHours(1), Aggregation.Avg), cts.Token);
        Assert.Equal(2, all.Series.Count);
        Assert.All(all.Series, series => Assert.Equal(first, series.AgentId));
        Assert.Equal(["/", "/var"], all.Series.Select(series => series.Labels["mount"]).Order(StringComparer.Ordinal));

        var request = Query(first, "disk.used_bytes", Now.AddHours(-1), Now, TimeSpan.FromHours(1), Aggregation.Avg);
        request.AgentIds.Add(second);
        request.Labels["mount"] = "/var";
        var filtered = await db.Metrics.QueryAsync(request, cts.Token);

        Assert.Equal(2, filtered.Series.Count);
        Assert.Equal(new[] { first, second }.Order(StringComparer.Ordinal), filtered.Series.Select(series => series.AgentId));
        Assert.All(filtered.Series, series =>
        {
            Assert.Equal(new Dictionary<string, string> { ["mount"] = "/var", ["device"] = "sda2" }, series.Labels);
            Assert.Equal(20d, Assert.Single(series.Points).Value);
        });
    }

    [Fact]
    public async Task QueryAsync_UnknownAgent_NotFound()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var db = await MetricTestDatabase.CreateAsync(_postgres, new FakeClock(Now), cts.Token);

        var error = await Assert.ThrowsAsync<RpcException>(() => db.Metrics.QueryAsync(Query("no-such-agent", "cpu", Now.AddHours(-1), Now, TimeSpan.FromMinutes(1), Aggregation.Avg), cts.Token));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Contains("no-such-agent", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QueryAsync_MetricWithoutSamplesInRange_NoSeries()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var db = await MetricTestDatabase.CreateAsync(_postgres, new FakeClock(Now), cts.Token);
        var agent = await db.AddAgentAsync(cts.Token);
        await db.AppendAsync(agent, [Batch(Now.AddDays(-2), [Sample("cpu", 1)])], cts.Token);

        var response = await db.Metrics.QueryAsync(Query(agent, "cpu", Now.AddHours(-1), Now, TimeSpan.FromMinutes(1), Aggregation.Avg), cts.Token);

        Assert.Empty(response.Series);
    }

    internal static QueryMetricsRequest Query(string agentId, string metric, DateTimeOffset start, DateTimeOffset end, TimeSpan step, Aggregation aggregation) => new()
    {
        AgentIds = { agentId },
        Metric = metric,
        Start = Timestamp.FromDateTimeOffset(start),
        End = Timestamp.FromDateTimeOffset(end),
        Step = Duration.FromTimeSpan(step),
        Aggregation = aggregation,
    };

    internal static MetricBatch Batch(DateTimeOffset collectedAt, IEnumerable<MetricSample> samples) => new()
    {
        CollectedAt = Timestamp.FromDateTimeOffset(collectedAt),
        Samples = { samples },
    };

    internal static MetricSample Sample(string name, double value, params (string Key, string Value)[] labels)
    {
        var sample = new MetricSample { Name = name, Value = value };
        foreach (var (key, text) in labels)
        {
            sample.Labels[key] = text;
        }

        return sample;
    }

    internal static Task<List<string>> PartitionsAsync(MetricTestDatabase db, CancellationToken cancellationToken) => db.StringsAsync(
        "SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'asset.metric_samples'::regclass ORDER BY 1",
        cancellationToken);
}
