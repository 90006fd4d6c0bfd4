using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SentinelSync.Agent.Collectors;
using SentinelSync.Agent.Tests.Support;
using SentinelSync.Contracts.Agent.V1;

namespace SentinelSync.Agent.Tests.Collectors;

public sealed class CollectorHostTests
{
    private readonly ManualTimeProvider _time = new();
    private readonly RecordingLogger<CollectorHost> _logger = new();

    [Fact]
    public void CollectInventory_OneCollectorThrows_OthersStillRunAndItReportsErrorAndDuration()
    {
        var before = new DelegateInventoryCollector("hostname", inventory => inventory.Hostname = "web-01");
        var failing = new DelegateInventoryCollector("cpu", inventory =>
        {
            inventory.Cpu = new Cpu { LogicalCores = 99 };
            _time.Advance(TimeSpan.FromMilliseconds(250));
            throw new InvalidDataException("cpuinfo is garbled");
        });
        var after = new DelegateInventoryCollector("agent", inventory => inventory.AgentVersion = "1.2.3");
        var host = new CollectorHost([before, failing, after], [], [], _time, _logger);

        var collection = host.CollectInventory(CancellationToken.None);

        Assert.Equal(("web-01", "1.2.3"), (collection.Inventory.Hostname, collection.Inventory.AgentVersion));
        Assert.Null(collection.Inventory.Cpu);
        var report = Assert.Single(collection.Reports, r => !r.Succeeded);
        Assert.Equal("inventory.cpu", report.Name);
        Assert.Equal(TimeSpan.FromMilliseconds(250), report.Duration);
        Assert.IsType<InvalidDataException>(report.Error);
        var logged = Assert.Single(_logger.Entries, e => e.Level == LogLevel.Warning);
        Assert.Equal(3001, logged.EventId.Id);
        Assert.Contains("inventory.cpu", logged.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CollectMetrics_OneCollectorThrows_OthersStillRunAndItsSamplesAreDropped()
    {
        var failing = new DelegateMetricCollector("disk", samples =>
        {
            samples.Add(new MetricSample { Name = "half.written" });
            _time.Advance(TimeSpan.FromSeconds(2));
            throw new IOException("device vanished");
        });
        var fine = new DelegateMetricCollector("load", samples => samples.Add(new MetricSample { Name = "load.1", Value = 0.5 }));
        var host = new CollectorHost([], [failing, fine], [], _time, _logger);

        var collection = host.CollectMetrics(CancellationToken.None);

        Assert.Equal(["load.1"], collection.Batch.Samples.Select(s => s.Name));
        Assert.Equal(
            [("metrics.disk", TimeSpan.FromSeconds(2), false), ("metrics.load", TimeSpan.Zero, true)],
            collection.Reports.Select(r => (r.Name, r.Duration, r.Succeeded)));
        Assert.Equal("device vanished", collection.Reports[0].Error!.Message);
    }

    [Fact]
    public void Collect_DisabledCollectors_AreNeverCalled()
    {
        var cpu = new DelegateInventoryCollector("cpu", inventory => inventory.Cpu = new Cpu());
        var disks = new DelegateInventoryCollector("disks", inventory => inventory.Disks.Add(new Disk { Name = "sda" }));
        var netdev = new DelegateMetricCollector("netdev", samples => samples.Add(new MetricSample { Name = "net.rx_bytes_per_second" }));
        var load = new DelegateMetricCollector("load", samples => samples.Add(new MetricSample { Name = "load.1" }));
        var host = new CollectorHost([cpu, disks], [netdev, load], ["inventory.disks", "metrics.netdev"], _time, NullLogger<CollectorHost>.Instance);

        var inventory = host.CollectInventory(CancellationToken.None);
        var metrics = host.CollectMetrics(CancellationToken.None);

        Assert.Equal((1, 0, 0, 1), (cpu.Calls, disks.Calls, netdev.Calls, load.Calls));
        Assert.Empty(inventory.Inventory.Disks);
        Assert.Equal(["inventory.cpu", "metrics.load"], host.Enabled);
        Assert.Equal(["inventory.cpu"], inventory.Reports.Select(r => r.Name));
        Assert.Equal(["load.1"], metrics.Batch.Samples.Select(s => s.Name));
    }

    [Fact]
    public void Constructor_UnknownDisabledCollector_ThrowsNamingTheSetting()
    {
        var cpu = new DelegateInventoryCollector("cpu", _ => { });

        var error = Assert.Throws<ArgumentException>(() => new CollectorHost([cpu], [], ["inventory.gpu"], _time, _logger));

        Assert.StartsWith("collectors.disabled: unknown collector 'inventory.gpu'; known: inventory.cpu", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_TwoCollectorsWithOneName_Throws()
    {
        var first = new DelegateMetricCollector("cpu", _ => { });
        var second = new DelegateMetricCollector("cpu", _ => { });

        Assert.Throws<ArgumentException>(() => new CollectorHost([], [first, second], [], _time, _logger));
    }

    [Fact]
    public void CollectInventory_Cancelled_PropagatesInsteadOfReportingAFailure()
    {
        using var cancellation = new CancellationTokenSource();
        var cancelling = new DelegateInventoryCollector("slow", _ =>
        {
            cancellation.Cancel();
            cancellation.Token.ThrowIfCancellationRequested();
        });
        var next = new DelegateInventoryCollector("next", _ => { });
        var host = new CollectorHost([cancelling, next], [], [], _time, _logger);

        Assert.Throws<OperationCanceledException>(() => host.CollectInventory(cancellation.Token));
        Assert.Equal(0, next.Calls);
        Assert.DoesNotContain(_logger.Entries, e => e.Level >= LogLevel.Warning);
    }

    [Fact]
    public void CollectInventory_FixtureHostMissingCpuinfo_OnlyTheCpuCollectorFails()
    {
        using var fixture = new FixtureHost();
        File.Delete(Path.Combine(fixture.Root, "proc", "cpuinfo"));
        var host = BuiltInCollectors.CreateHost(fixture.Environment, [], NullLoggerFactory.Instance);

        var collection = host.CollectInventory(CancellationToken.None);

        var failed = Assert.Single(collection.Reports, r => !r.Succeeded);
        Assert.Equal("inventory.cpu", failed.Name);
        Assert.IsType<FileNotFoundException>(failed.Error);
        Assert.Null(collection.Inventory.Cpu);
        Assert.Equal("web-01.example.internal", collection.Inventory.Hostname);
        Assert.Equal(2, collection.Inventory.Disks.Count);
    }

    [Fact]
    public void CreateHost_FixtureHostWithDisabledBuiltIns_SkipsThem()
    {
        using var fixture = new FixtureHost();
        var host = BuiltInCollectors.CreateHost(fixture.Environment, ["inventory.disks", "metrics.netdev"], NullLoggerFactory.Instance);

        var inventory = host.CollectInventory(CancellationToken.None);
        host.CollectMetrics(CancellationToken.None);
        fixture.Time.Advance(TimeSpan.FromSeconds(10));
        var metrics = host.CollectMetrics(CancellationToken.None);

        Assert.Empty(inventory.Inventory.Disks);
        Assert.NotEmpty(inventory.Inventory.Mounts);
        Assert.DoesNotContain(metrics.Batch.Samples, s => s.Name.StartsWith("net.", StringComparison.Ordinal));
        Assert.Contains(metrics.Batch.Samples, s => s.Name == "disk.read_bytes_per_second");
    }

    [Fact]
    public void QualifiedNames_BuiltInCollectors_AreUniqueAndPrefixed()
    {
        Assert.Equal(BuiltInCollectors.QualifiedNames.Count, BuiltInCollectors.QualifiedNames.Distinct().Count());
        Assert.All(BuiltInCollectors.QualifiedNames, name => Assert.Matches("^(inventory|metrics)\\.[a-z]+$", name));
        Assert.Contains("metrics.diskstats", BuiltInCollectors.QualifiedNames);
    }
}
