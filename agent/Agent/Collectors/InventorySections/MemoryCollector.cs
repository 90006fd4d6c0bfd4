using SentinelSync.Agent.Collectors.Procfs;
using SentinelSync.Contracts.Agent.V1;

namespace SentinelSync.Agent.Collectors.InventorySections;

/// <summary>Installed memory and swap from <c>/proc/meminfo</c>.</summary>
internal sealed class MemoryCollector(HostPaths paths) : IInventoryCollector
{
    public string Name => "memory";

    public void Collect(Inventory inventory, CancellationToken cancellationToken)
    {
        var info = MemInfo.Parse(File.ReadAllText(paths.Proc("meminfo")));
        inventory.Memory = new Memory
        {
            TotalBytes = MemInfo.Get(info, "MemTotal"),
            SwapTotalBytes = info.GetValueOrDefault("SwapTotal"),
        };
    }
}
