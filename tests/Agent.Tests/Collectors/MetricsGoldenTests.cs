using Microsoft.Extensions.Logging.Abstractions;
using SentinelSync.Agent.Collectors;
using SentinelSync.Agent.Commands;
using SentinelSync.Agent.Tests.Support;
using SentinelSync.Contracts.Agent.V1;

namespace SentinelSync.Agent.Tests.Collectors;

public sealed class MetricsGoldenTests : IDisposable
{
    private readonly FixtureHost _host = new();
    private readonly CollectorHost _collectors;

    public MetricsGoldenTests() => _collectors = BuiltInCollectors.CreateHost(_host.Environment, [], NullLoggerFactory.Instance);

    [Fact]
    public void CollectMetrics_TwoRoundsTenSecondsApart_MatchesGolden()
    {
        var batch = CollectTwoRounds();

        GoldenFile.AssertMatches("metrics.json", AgentJson.Format(batch));
    }

    [Fact]
    public void CollectMetrics_FirstRound_EmitsNoRates()
    {
        var first = _collectors.CollectMetrics(CancellationToken.None);

        Assert.All(first.Reports, report => Assert.True(report.Succeeded, $"{report.Name}: {report.Error}"));
        Assert.DoesNotContain(first.Batch.Samples, s => s.Name.EndsWith("_per_second", StringComparison.Ordinal) || s.Name == "cpu.usage_percent");
        Assert.Contains(first.Batch.Samples, s => s.Name == "load.1");
    }

    [Fact]
    public void CollectMetrics_TwoRoundsTenSecondsApart_ComputesRatesOverFakeTime()
    {
        var batch = CollectTwoRounds();

        // Fixture deltas: 4000 ticks of which 2760 idle or iowait; vda read 20480 and wrote 40960
        // sectors, sda wrote 2048; eth0 received 12.5 MB and sent 2.5 MB; all over 10 seconds.
        Assert.Equal(31.0, Value(batch, "cpu.usage_percent"), precision: 9);
        Assert.Equal(1_048_576, Value(batch, "disk.read_bytes_per_second", "device", "vda"), precision: 6);
        Assert.Equal(2_097_152, Value(batch, "disk.write_bytes_per_second", "device", "vda"), precision: 6);
        Assert.Equal(0, Value(batch, "disk.read_bytes_per_second", "device", "sda"), precision: 6);
        Assert.Equal(104_857.6, Value(batch, "disk.write_bytes_per_second", "device", "sda"), precision: 6);
        Assert.Equal(1_250_000, Value(batch, "net.rx_bytes_per_second", "interface", "eth0"), precision: 6);
        Assert.Equal(250_000, Value(batch, "net.tx_bytes_per_second", "interface", "eth0"), precision: 6);
        Assert.DoesNotContain(batch.Samples, s => s.Labels.GetValueOrDefault("device") is "vda1" or "loop0" or "zram0");
    }

    [Fact]
    public void CollectMetrics_FixtureHost_ReportsMemoryLoadAndFileSystems()
    {
        var batch = CollectTwoRounds();

        Assert.Equal((8148652.0 - 5236880) * 1024, Value(batch, "memory.used_bytes"));
        Assert.Equal(5236880.0 * 1024, Value(batch, "memory.available_bytes"));
        Assert.Equal((2097148.0 - 1834980) * 1024, Value(batch, "memory.swap_used_bytes"));
        Assert.Equal((0.52, 0.61, 0.58), (Value(batch, "load.1"), Value(batch, "load.5"), Value(batch, "load.15")));
        Assert.Equal(52_710_469_632.0 - 31_044_612_096, Value(batch, "disk.used_bytes", "mount", "/"));
        Assert.Equal(28_348_784_640.0, Value(batch, "disk.free_bytes", "mount", "/"));
        Assert.Equal(100.0 * 21_665_857_536 / (21_665_857_536 + 28_348_784_640), Value(batch, "disk.used_percent", "mount", "/"), precision: 9);
        Assert.Equal(["/", "/boot/efi", "/mnt/backup", "/srv/data", "/srv/shared files"],
            batch.Samples.Where(s => s.Name == "disk.used_bytes").Select(s => s.Labels["mount"]));
    }

    [Fact]
    public void CollectMetrics_StampedWithInjectedTime()
    {
        var batch = _collectors.CollectMetrics(CancellationToken.None).Batch;

        Assert.Equal(ManualTimeProvider.DefaultStart, batch.CollectedAt.ToDateTimeOffset());
    }

    public void Dispose() => _host.Dispose();

    private static double Value(MetricBatch batch, string name, string? label = null, string? labelValue = null) =>
        Assert.Single(batch.Samples, s => s.Name == name && (label is null || s.Labels.GetValueOrDefault(label) == labelValue)).Value;

    private MetricBatch CollectTwoRounds()
    {
        _collectors.CollectMetrics(CancellationToken.None);
        _host.Apply("host-after-10s");
        _host.Time.Advance(TimeSpan.FromSeconds(10));
        var second = _collectors.CollectMetrics(CancellationToken.None);
        Assert.All(second.Reports, report => Assert.True(report.Succeeded, $"{report.Name}: {report.Error}"));
        return second.Batch;
    }
}
