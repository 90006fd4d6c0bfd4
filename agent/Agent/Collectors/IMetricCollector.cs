using SentinelSync.Contracts.Agent.V1;

namespace SentinelSync.Agent.Collectors;

/// <summary>Produces one family of metric samples (CPU usage, load, disk throughput, …).</summary>
/// <remarks>
/// Called by <see cref="CollectorHost"/> on one thread at a time. Rate collectors keep the previous
/// raw sample between calls and emit nothing on their first call. Samples are added to a scratch
/// list that is merged into the batch only when <see cref="Collect"/> returns normally.
/// </remarks>
internal interface IMetricCollector
{
    /// <summary>The collector's name, unique among metric collectors; <c>metrics.{Name}</c> switches it off.</summary>
    string Name { get; }

    /// <summary>Adds this collector's samples to <paramref name="samples"/>.</summary>
    void Collect(ICollection<MetricSample> samples, CancellationToken cancellationToken);
}
