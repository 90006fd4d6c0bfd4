using SentinelSync.Agent.Collectors.Procfs;
using SentinelSync.Contracts.Agent.V1;

namespace SentinelSync.Agent.Collectors.InventorySections;

/// <summary>Processor model and logical and physical core counts from <c>/proc/cpuinfo</c>.</summary>
internal sealed class CpuCollector(HostPaths paths) : IInventoryCollector
{
    public string Name => "cpu";

    public void Collect(Inventory inventory, CancellationToken cancellationToken)
    {
        var info = CpuInfo.Parse(File.ReadAllText(paths.Proc("cpuinfo")));
        if (info.LogicalCores == 0)
        {
            throw new InvalidDataException("/proc/cpuinfo lists no processor.");
        }

        inventory.Cpu = new Cpu { Model = info.Model, LogicalCores = info.LogicalCores, PhysicalCores = info.PhysicalCores };
    }
}
