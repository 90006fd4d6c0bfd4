using Google.Protobuf.WellKnownTypes;
using SentinelSync.Agent.Collectors.Procfs;
using SentinelSync.Contracts.Agent.V1;

namespace SentinelSync.Agent.Collectors.InventorySections;

/// <summary>When the host booted (uptime is now minus this), from <c>/proc/stat</c> or <c>/proc/uptime</c>.</summary>
internal sealed class BootTimeCollector(HostPaths paths, TimeProvider timeProvider) : IInventoryCollector
{
    public string Name => "boot";

    public void Collect(Inventory inventory, CancellationToken cancellationToken)
    {
        var bootTime = BootTime.FromStat(File.ReadAllText(paths.Proc("stat")))
            ?? BootTime.FromUptime(File.ReadAllText(paths.Proc("uptime")), timeProvider.GetUtcNow());
        inventory.BootTime = Timestamp.FromDateTimeOffset(bootTime);
    }
}
