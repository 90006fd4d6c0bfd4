namespace SentinelSync.Asset.Metrics;

/// <summary>Storage of agent metrics (section <c>Asset:Metrics</c>).</summary>
internal sealed class MetricsOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Asset:Metrics";

    /// <summary>
    /// How long samples are kept. Whole partitions whose range ended more than this long ago are dropped;
    /// samples older than this are refused when they arrive. Default 30 days.
    /// </summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// The time range of one partition of <c>asset.metric_samples</c>: a whole number of hours that divides a day
    /// (1, 2, 3, 4, 6, 8, 12 hours) or a whole number of days up to 31. Default 1 day. Partitions that already
    /// exist keep their range when this changes; new ones are fitted between them.
    /// </summary>
    public TimeSpan PartitionInterval { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How many partitions after the current one are created ahead of time. Default 2.</summary>
    public int PartitionsAhead { get; set; } = 2;

    /// <summary>
    /// How far ahead of the server's clock a sample may be stamped before it is refused (an agent whose clock is
    /// wrong). Default 1 day.
    /// </summary>
    public TimeSpan FutureTolerance { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How often partitions are created ahead and expired ones dropped. Default 1 hour.</summary>
    public TimeSpan MaintenancePeriod { get; set; } = TimeSpan.FromHours(1);
}
