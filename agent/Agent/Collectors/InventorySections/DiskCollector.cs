using SentinelSync.Agent.Collectors.Procfs;
using SentinelSync.Contracts.Agent.V1;

namespace SentinelSync.Agent.Collectors.InventorySections;

/// <summary>Whole disks from <c>/sys/block</c>: size and whether they spin.</summary>
internal sealed class DiskCollector(HostPaths paths) : IInventoryCollector
{
    // /sys/block/*/size counts 512-byte sectors whatever the device's logical block size.
    private const ulong SectorBytes = 512;

    public string Name => "disks";

    public void Collect(Inventory inventory, CancellationToken cancellationToken)
    {
        foreach (var name in BlockDevices.List(paths))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var device = paths.Sys(Path.Combine("block", name));
            var rotational = Path.Combine(device, "queue", "rotational");
            inventory.Disks.Add(new Disk
            {
                Name = name,
                SizeBytes = ulong.Parse(File.ReadAllText(Path.Combine(device, "size")).Trim()) * SectorBytes,
                Rotational = File.Exists(rotational) && File.ReadAllText(rotational).Trim() == "1",
            });
        }
    }
}
