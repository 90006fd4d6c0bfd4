using SentinelSync.Asset.Metrics;
using SentinelSync.Testing;

namespace SentinelSync.Asset.Tests;

[Collection(PostgresCollection.Name)]
public sealed class MetricPartitionTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private readonly PostgresFixture _postgres;

    public MetricPartitionTests(PostgresFixture postgres) => _postgres = postgres;

    [Fact]
    public async Task RunOnceAsync_FreshSchema_CreatesTodayAndPartitionsAhead()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var db = await MetricTestDatabase.CreateAsync(_postgres, new FakeClock(Now), cts.Token);

        var (created, dropped) = await db.Maintenance.RunOnceAsync(cts.Token);
        var again = await db.Maintenance.RunOnceAsync(cts.Token);

        Assert.Equal((3, 0), (created, dropped));
        Assert.Equal((0, 0), again);
        Assert.Equal(["metric_samples_p20261122", "metric_samples_p20261123", "metric_samples_p20261124"], await MetricStoreTests.PartitionsAsync(db, cts.Token));
    }

    [Fact]
    public async Task RunOnceAsync_PartitionOlderThanRetention_DropsItAndKeepsNewerData()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var clock = new FakeClock(Now);
        await using var db = await MetricTestDatabase.CreateAsync(_postgres, clock, cts.Token, new Dictionary<string, string?> { ["Asset:Metrics:Retention"] = "3.00:00:00" });
        var agent = await db.AddAgentAsync(cts.Token);
        await db.AppendAsync(agent, [MetricStoreTests.Batch(Now.AddDays(-2), [MetricStoreTests.Sample("cpu", 1)])], cts.Token);
        await db.AppendAsync(agent, [MetricStoreTests.Batch(Now, [MetricStoreTests.Sample("cpu", 2)])], cts.Token);

        // The 20th ends at midnight of the 21st; on the 24th at noon the retention reaches back to the 21st at noon only.
        clock.Advance(TimeSpan.FromDays(2));
        var (_, dropped) = await db.Maintenance.RunOnceAsync(cts.Token);

        Assert.Equal(1, dropped);
        var partitions = await MetricStoreTests.PartitionsAsync(db, cts.Token);
        Assert.DoesNotContain("metric_samples_p20261120", partitions);
        Assert.Contains("metric_samples_p20261122", partitions);
        Assert.Equal(["metric_samples_p20261122", "metric_samples_p20261124", "metric_samples_p20261125", "metric_samples_p20261126"], await db.StringsAsync("SELECT name FROM asset.metric_partitions ORDER BY 1", cts.Token));
        Assert.Equal(2d, await db.ScalarAsync<double>("SELECT sum(value) FROM asset.metric_samples", cts.Token));
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM pg_class WHERE relname = 'metric_samples_p20261120'", cts.Token));
    }

    [Fact]
    public async Task RunOnceAsync_SixHourPartitions_CreatesQuartersNamedByTheirStart()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var db = await MetricTestDatabase.CreateAsync(_postgres, new FakeClock(Now), cts.Token, new Dictionary<string, string?> { ["Asset:Metrics:PartitionInterval"] = "06:00:00", ["Asset:Metrics:PartitionsAhead"] = "1" });

        await db.Maintenance.RunOnceAsync(cts.Token);

        Assert.Equal(["metric_samples_p20261122_120000", "metric_samples_p20261122_180000"], await MetricStoreTests.PartitionsAsync(db, cts.Token));
    }

    [Fact]
    public void SlotStart_DailyAndSixHourly_AlignsToUtcMidnightAndQuarters()
    {
        var time = new DateTime(2026, 11, 22, 13, 45, 10, DateTimeKind.Utc);

        Assert.Equal(new DateTime(2026, 11, 22, 0, 0, 0, DateTimeKind.Utc), new MetricPartitionLayout(TimeSpan.FromDays(1)).SlotStart(time));
        Assert.Equal(new DateTime(2026, 11, 22, 12, 0, 0, DateTimeKind.Utc), new MetricPartitionLayout(TimeSpan.FromHours(6)).SlotStart(time));
        Assert.Equal(new DateTime(1969, 12, 31, 0, 0, 0, DateTimeKind.Utc), new MetricPartitionLayout(TimeSpan.FromDays(1)).SlotStart(new DateTime(1969, 12, 31, 23, 0, 0, DateTimeKind.Utc)));
    }

    [Fact]
    public void RangeFor_NeighboursFromAnotherInterval_ClipsTheSlotSoNothingOverlaps()
    {
        var layout = new MetricPartitionLayout(TimeSpan.FromDays(1));
        var day = new DateTime(2026, 11, 22, 0, 0, 0, DateTimeKind.Utc);
        MetricPartitionRange[] existing =
        [
            new("metric_samples_p20261122", day, day.AddHours(6)),
            new("metric_samples_p20261122_180000", day.AddHours(18), day.AddHours(24)),
        ];

        var range = layout.RangeFor(day.AddHours(9), existing);

        Assert.Equal(new MetricPartitionRange("metric_samples_p20261122_060000", day.AddHours(6), day.AddHours(18)), range);
        Assert.Equal(new MetricPartitionRange("metric_samples_p20261123", day.AddDays(1), day.AddDays(2)), layout.RangeFor(day.AddDays(1).AddHours(3), existing));
    }

    [Theory]
    [InlineData("01:00:00", true)]
    [InlineData("06:00:00", true)]
    [InlineData("1.00:00:00", true)]
    [InlineData("7.00:00:00", true)]
    [InlineData("05:00:00", false)]
    [InlineData("00:30:00", false)]
    [InlineData("1.12:00:00", false)]
    [InlineData("32.00:00:00", false)]
    public void IsValidInterval_Intervals_AcceptsOnlyWholeDaysOrDivisorsOfADay(string interval, bool valid)
    {
        Assert.Equal(valid, MetricPartitionLayout.IsValidInterval(TimeSpan.Parse(interval, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Validate_BadSettings_NamesEachSetting()
    {
        var result = new MetricsOptionsValidator().Validate(null, new MetricsOptions
        {
            Retention = TimeSpan.FromMinutes(5),
            PartitionInterval = TimeSpan.FromHours(5),
            PartitionsAhead = -1,
            FutureTolerance = TimeSpan.FromDays(-1),
            MaintenancePeriod = TimeSpan.Zero,
        });

        Assert.True(result.Failed);
        foreach (var setting in new[] { "Asset:Metrics:Retention", "Asset:Metrics:PartitionInterval", "Asset:Metrics:PartitionsAhead", "Asset:Metrics:FutureTolerance", "Asset:Metrics:MaintenancePeriod" })
        {
            Assert.Contains(result.Failures, failure => failure.StartsWith(setting + ":", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Validate_Defaults_Pass()
    {
        Assert.True(new MetricsOptionsValidator().Validate(null, new MetricsOptions()).Succeeded);
    }
}
