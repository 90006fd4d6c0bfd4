using SentinelSync.Agent.Collectors;
using SentinelSync.Contracts.Agent.V1;

namespace SentinelSync.Agent.Tests.Collectors;

internal sealed class DelegateMetricCollector(string name, Action<ICollection<MetricSample>> collect) : IMetricCollector
{
    public int Calls { get; private set; }

    public string Name => name;

    public void Collect(ICollection<MetricSample> samples, CancellationToken cancellationToken)
    {
        Calls++;
        collect(samples);
    }
}
