using SentinelSync.Agent.Collectors.Procfs;
using SentinelSync.Contracts.Agent.V1;

namespace SentinelSync.Agent.Collectors.Metrics;

/// <summary><c>load.1</c>, <c>load.5</c> and <c>load.15</c> from <c>/proc/loadavg</c>.</summary>
internal sealed class LoadAverageCollector(HostPaths paths) : IMetricCollector
{
    public string Name => "loadavg";

    public void Collect(ICollection<MetricSample> samples, CancellationToken cancellationToken)
    {
        var load = LoadAverage.Parse(File.ReadAllText(paths.Proc("loadavg")));
        samples.Add(Samples.Of("load.1", load.One));
        samples.Add(Samples.Of("load.5", load.Five));
        samples.Add(Samples.Of("load.15", load.Fifteen));
    }
}
