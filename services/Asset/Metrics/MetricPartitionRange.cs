namespace SentinelSync.Asset.Metrics;

/// <summary>One partition of <c>asset.metric_samples</c>: the samples with <see cref="Start"/> &lt;= time &lt; <see cref="End"/>.</summary>
internal sealed record MetricPartitionRange(string Name, DateTime Start, DateTime End)
{
    /// <summary>Whether a sample stamped <paramref name="time"/> belongs here.</summary>
    public bool Contains(DateTime time) => Start <= time && time < End;
}
