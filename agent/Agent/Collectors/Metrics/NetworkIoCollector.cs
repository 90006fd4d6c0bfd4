using SentinelSync.Agent.Collectors.Procfs;
using SentinelSync.Contracts.Agent.V1;

namespace SentinelSync.Agent.Collectors.Metrics;

/// <summary>
/// <c>net.rx_bytes_per_second</c> and <c>net.tx_bytes_per_second</c> per interface (label
/// <c>interface</c>) from two reads of <c>/proc/net/dev</c>.
/// </summary>
internal sealed class NetworkIoCollector(HostPaths paths, TimeProvider timeProvider) : IMetricCollector
{
    private readonly CounterRates _received = new(timeProvider);
    private readonly CounterRates _sent = new(timeProvider);

    public string Name => "netdev";

    public void Collect(ICollection<MetricSample> samples, CancellationToken cancellationToken)
    {
        var counters = InterfaceCounters.Parse(File.ReadAllText(paths.Proc("net/dev")));
        foreach (var (nic, rate) in _received.Update(counters.ToDictionary(c => c.Interface, c => c.ReceivedBytes, StringComparer.Ordinal)))
        {
            samples.Add(Samples.Of("net.rx_bytes_per_second", rate, "interface", nic));
        }

        foreach (var (nic, rate) in _sent.Update(counters.ToDictionary(c => c.Interface, c => c.SentBytes, StringComparer.Ordinal)))
        {
            samples.Add(Samples.Of("net.tx_bytes_per_second", rate, "interface", nic));
        }
    }
}
