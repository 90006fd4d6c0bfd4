using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Logging;
using SentinelSync.Contracts.Agent.V1;

namespace SentinelSync.Agent.Collectors;

/// <summary>
/// Runs the enabled collectors, each on its own: one that throws is reported with its error and
/// duration, and the others run as if nothing happened.
/// </summary>
/// <remarks>
/// Not thread-safe: one caller (the collection loop) drives it. Cancellation is checked between
/// collectors and propagates as <see cref="OperationCanceledException"/>; it is never reported as
/// a collector failure.
/// </remarks>
internal sealed partial class CollectorHost
{
    public const string InventoryPrefix = "inventory.";
    public const string MetricsPrefix = "metrics.";

    private readonly IReadOnlyList<IInventoryCollector> _inventoryCollectors;
    private readonly IReadOnlyList<IMetricCollector> _metricCollectors;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    public CollectorHost(
        IEnumerable<IInventoryCollector> inventoryCollectors,
        IEnumerable<IMetricCollector> metricCollectors,
        IEnumerable<string> disabled,
        TimeProvider timeProvider,
        ILogger<CollectorHost> logger)
    {
        var inventory = inventoryCollectors.ToList();
        var metrics = metricCollectors.ToList();
        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in inventory.Select(c => InventoryPrefix + c.Name).Concat(metrics.Select(c => MetricsPrefix + c.Name)))
        {
            if (!known.Add(name))
            {
                throw new ArgumentException($"Two collectors are registered as '{name}'.", nameof(inventoryCollectors));
            }
        }

        var off = new HashSet<string>(disabled, StringComparer.Ordinal);
        foreach (var name in off.Where(name => !known.Contains(name)))
        {
            throw new ArgumentException(
                $"collectors.disabled: unknown collector '{name}'; known: {string.Join(", ", known.Order(StringComparer.Ordinal))}.",
                nameof(disabled));
        }

        _inventoryCollectors = inventory.Where(c => !off.Contains(InventoryPrefix + c.Name)).ToList();
        _metricCollectors = metrics.Where(c => !off.Contains(MetricsPrefix + c.Name)).ToList();
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>Qualified names of the collectors that run, inventory first, in registration order.</summary>
    public IReadOnlyList<string> Enabled =>
        _inventoryCollectors.Select(c => InventoryPrefix + c.Name).Concat(_metricCollectors.Select(c => MetricsPrefix + c.Name)).ToList();

    /// <summary>Runs every enabled inventory collector and merges what the successful ones wrote.</summary>
    public InventoryCollection CollectInventory(CancellationToken cancellationToken)
    {
        var inventory = new Inventory();
        var reports = new List<CollectorReport>(_inventoryCollectors.Count);
        foreach (var collector in _inventoryCollectors)
        {
            var scratch = new Inventory();
            var report = Run(InventoryPrefix + collector.Name, () => collector.Collect(scratch, cancellationToken), cancellationToken);
            if (report.Succeeded)
            {
                inventory.MergeFrom(scratch);
            }

            reports.Add(report);
        }

        return new InventoryCollection(inventory, reports);
    }

    /// <summary>Runs every enabled metric collector and returns one batch stamped with the current time.</summary>
    public MetricCollection CollectMetrics(CancellationToken cancellationToken)
    {
        var batch = new MetricBatch { CollectedAt = Timestamp.FromDateTimeOffset(_timeProvider.GetUtcNow()) };
        var reports = new List<CollectorReport>(_metricCollectors.Count);
        foreach (var collector in _metricCollectors)
        {
            var scratch = new List<MetricSample>();
            var report = Run(MetricsPrefix + collector.Name, () => collector.Collect(scratch, cancellationToken), cancellationToken);
            if (report.Succeeded)
            {
                batch.Samples.Add(scratch);
            }

            reports.Add(report);
        }

        return new MetricCollection(batch, reports);
    }

    private CollectorReport Run(string name, Action collect, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var started = _timeProvider.GetTimestamp();
        try
        {
            collect();
            var duration = _timeProvider.GetElapsedTime(started);
            LogCollected(name, duration.TotalMilliseconds);
            return new CollectorReport(name, duration, null);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            var duration = _timeProvider.GetElapsedTime(started);
            LogCollectorFailed(ex, name, duration.TotalMilliseconds);
            return new CollectorReport(name, duration, ex);
        }
    }
}
