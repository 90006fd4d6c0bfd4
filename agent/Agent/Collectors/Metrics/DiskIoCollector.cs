using SentinelSync.Agent.Collectors.Procfs;
using SentinelSync.Contracts.Agent.V1;

namespace SentinelSync.Agent.Collectors.Metrics;

/// <summary>
/// <c>disk.read_bytes_per_second</c> and <c>disk.write_bytes_per_second</c> per whole disk (label
/// <c>device</c>) from two reads of <c>/proc/diskstats</c>; partitions are left out so nothing counts twice.
/// </summary>
internal sealed class DiskIoCollector(HostPaths paths, TimeProvider timeProvider) : IMetricCollector
{
    private readonly CounterRates _read = new(timeProvider);
    private readonly CounterRates _written = new(timeProvider);

    public string Name => "diskstats";

    public void Collect(ICollection<MetricSample> samples, CancellationToken cancellationToken)
    {
        var disks = BlockDevices.List(paths).ToHashSet(StringComparer.Ordinal);
        var counters = DiskCounters.Parse(File.ReadAllText(paths.Proc("diskstats"))).Where(c => disks.Contains(c.Device)).ToList();
        foreach (var (device, rate) in _read.Update(counters.ToDictionary(c => c.Device, c => c.ReadBytes, StringComparer.Ordinal)))
        {
            samples.Add(Samples.Of("disk.read_bytes_per_second", rate, "device", device));
        }

        foreach (var (device, rate) in _written.Update(counters.ToDictionary(c => c.Device, c => c.WrittenBytes, StringComparer.Ordinal)))
        {
            samples.Add(Samples.Of("disk.write_bytes_per_second", rate, "device", device));
        }
    }
}
