using SentinelSync.Agent.Collectors.Platform;
using SentinelSync.Agent.Collectors.Procfs;
using SentinelSync.Contracts.Agent.V1;

namespace SentinelSync.Agent.Collectors.InventorySections;

/// <summary>Mounted real file systems from <c>/proc/self/mounts</c>, sized through statvfs.</summary>
internal sealed class MountCollector(HostPaths paths, IFileSystemSpace space) : IInventoryCollector
{
    public string Name => "mounts";

    public void Collect(Inventory inventory, CancellationToken cancellationToken)
    {
        foreach (var entry in MountTable.RealFileSystems(File.ReadAllText(paths.Proc("self/mounts"))))
        {
            cancellationToken.ThrowIfCancellationRequested();
            inventory.Mounts.Add(new Mount
            {
                MountPoint = entry.MountPoint,
                Device = entry.Device,
                FsType = entry.FileSystemType,
                SizeBytes = space.Measure(entry.MountPoint)?.TotalBytes ?? 0,
            });
        }
    }
}
