using SentinelSync.Agent.Collectors.Procfs;
using SentinelSync.Contracts.Agent.V1;

namespace SentinelSync.Agent.Collectors.Metrics;

/// <summary><c>memory.used_bytes</c>, <c>memory.available_bytes</c> and <c>memory.swap_used_bytes</c> from <c>/proc/meminfo</c>.</summary>
internal sealed class MemoryUsageCollector(HostPaths paths) : IMetricCollector
{
    public string Name => "meminfo";

    public void Collect(ICollection<MetricSample> samples, CancellationToken cancellationToken)
    {
        var info = MemInfo.Parse(File.ReadAllText(paths.Proc("meminfo")));
        var total = MemInfo.Get(info, "MemTotal");

        // MemAvailable (Linux 3.14+) counts reclaimable cache; older kernels get the classic estimate.
        var available = info.TryGetValue("MemAvailable", out var reported)
            ? reported
            : info.GetValueOrDefault("MemFree") + info.GetValueOrDefault("Buffers") + info.GetValueOrDefault("Cached");
        available = Math.Min(available, total);
        var swapTotal = info.GetValueOrDefault("SwapTotal");
        var swapFree = Math.Min(info.GetValueOrDefault("SwapFree"), swapTotal);

        samples.Add(Samples.Of("memory.used_bytes", total - available));
        samples.Add(Samples.Of("memory.available_bytes", available));
        samples.Add(Samples.Of("memory.swap_used_bytes", swapTotal - swapFree));
    }
}
