using SentinelSync.Agent.Collectors.Platform;
using SentinelSync.Agent.Collectors.Procfs;
using SentinelSync.Contracts.Agent.V1;

namespace SentinelSync.Agent.Collectors.Metrics;

/// <summary>
/// <c>disk.used_bytes</c>, <c>disk.free_bytes</c> (free to unprivileged users, df's "Avail") and
/// <c>disk.used_percent</c> (df's "Use%") per mounted real file system, labelled <c>mount</c>.
/// </summary>
internal sealed class FileSystemUsageCollector(HostPaths paths, IFileSystemSpace space) : IMetricCollector
{
    public string Name => "filesystem";

    public void Collect(ICollection<MetricSample> samples, CancellationToken cancellationToken)
    {
        foreach (var entry in MountTable.RealFileSystems(File.ReadAllText(paths.Proc("self/mounts"))))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (space.Measure(entry.MountPoint) is not { TotalBytes: > 0 } measured)
            {
                continue;
            }

            samples.Add(Samples.Of("disk.used_bytes", measured.UsedBytes, "mount", entry.MountPoint));
            samples.Add(Samples.Of("disk.free_bytes", measured.AvailableBytes, "mount", entry.MountPoint));
            samples.Add(Samples.Of("disk.used_percent", measured.UsedPercent, "mount", entry.MountPoint));
        }
    }
}
