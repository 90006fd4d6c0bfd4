using Microsoft.Extensions.Logging.Abstractions;
using SentinelSync.Agent.Collectors;
using SentinelSync.Agent.Configuration;
using SentinelSync.Agent.Runtime;
using SentinelSync.Agent.Spool;
using SentinelSync.Agent.Tests.Collectors;
using SentinelSync.Agent.Tests.Support;
using SentinelSync.Contracts.Agent.V1;

namespace SentinelSync.Agent.Tests.Runtime;

public sealed class CollectionLoopTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private readonly TempDirectory _state = new();

    [Fact]
    public async Task RunAsync_InventoryChanges_FullFirstThenDeltaWithChangedSectionsAndMetricsSpooled()
    {
        var local = new AgentOptions { ServerUrl = new Uri("http://127.0.0.1:1"), StateDirectory = _state.Path };
        local.Spool.Directory = Path.Combine(_state.Path, "spool");
        local.Collectors.InventoryInterval = TimeSpan.FromMilliseconds(100);
        local.Collectors.MetricsInterval = TimeSpan.FromMilliseconds(50);
        var configuration = EffectiveConfiguration.Load(local, NullLogger<EffectiveConfiguration>.Instance);
        using var spool = AgentSpool.Open(local.Spool, NullLogger<AgentSpool>.Instance);
        var rounds = 0;
        var wake = new WakeSignal();
        var woken = wake.WaitAsync();
        var loop = new CollectionLoop(
            configuration,
            options => new CollectorHost(
                [
                    new DelegateInventoryCollector("hostname", inventory => inventory.Hostname = "h1"),
                    new DelegateInventoryCollector("memory", inventory => inventory.Memory = new Memory { TotalBytes = Interlocked.Increment(ref rounds) < 3 ? 1000UL : 2000UL }),
                ],
                [new DelegateMetricCollector("load", samples => samples.Add(new MetricSample { Name = "load.1", Value = 0.5 }))],
                options.Disabled,
                TimeProvider.System,
                NullLogger<CollectorHost>.Instance),
            spool,
            wake,
            TimeProvider.System,
            NullLogger<CollectionLoop>.Instance);
        using var stop = new CancellationTokenSource();

        var running = loop.RunAsync(stop.Token);
        await woken.WaitAsync(Timeout);
        var deadline = DateTime.UtcNow + Timeout;
        while (spool.ReadFrom(0).Count(m => m.BodyCase == ConnectRequest.BodyOneofCase.Inventory) < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        await stop.CancelAsync();
        try
        {
            await running.WaitAsync(Timeout);
        }
        catch (OperationCanceledException)
        {
            // Stopped inside a collector round: as good as stopped between rounds.
        }

        var inventories = spool.ReadFrom(0).Where(m => m.BodyCase == ConnectRequest.BodyOneofCase.Inventory).Select(m => m.Inventory).ToList();
        Assert.True(inventories.Count >= 2, $"expected a full inventory and a delta, got {inventories.Count}");
        Assert.True(inventories[0].Full);
        Assert.Equal("h1", inventories[0].Inventory.Hostname);
        Assert.False(inventories[1].Full);
        Assert.Equal(["memory"], inventories[1].ChangedSections);
        Assert.Equal(2000UL, inventories[1].Inventory.Memory.TotalBytes);
        Assert.Equal(string.Empty, inventories[1].Inventory.Hostname);
        Assert.Contains(spool.ReadFrom(0), m => m.BodyCase == ConnectRequest.BodyOneofCase.Metrics && m.Metrics.Samples.Count == 1);
        var sequences = spool.ReadFrom(0).Select(m => m.Sequence).ToList();
        Assert.Equal(Enumerable.Range(1, sequences.Count).Select(i => (ulong)i), sequences);
    }

    public void Dispose() => _state.Dispose();
}
