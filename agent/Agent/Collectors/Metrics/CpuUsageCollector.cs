using SentinelSync.Agent.Collectors.Procfs;
using SentinelSync.Contracts.Agent.V1;

namespace SentinelSync.Agent.Collectors.Metrics;

/// <summary><c>cpu.usage_percent</c>: busy share of all CPUs between two reads of <c>/proc/stat</c>.</summary>
internal sealed class CpuUsageCollector(HostPaths paths) : IMetricCollector
{
    private CpuTimes? _previous;

    public string Name => "cpu";

    public void Collect(ICollection<MetricSample> samples, CancellationToken cancellationToken)
    {
        var current = CpuTimes.Parse(File.ReadAllText(paths.Proc("stat")));
        if (_previous is { } previous && current.Total > previous.Total && current.Idle >= previous.Idle)
        {
            var total = current.Total - previous.Total;
            var idle = Math.Min(current.Idle - previous.Idle, total);
            samples.Add(Samples.Of("cpu.usage_percent", 100.0 * (total - idle) / total));
        }

        _previous = current;
    }
}
