using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Logging;
using SentinelSync.Agent.Collectors;
using SentinelSync.Agent.Spool;
using SentinelSync.Contracts.Agent.V1;
using SentinelSync.Contracts.Inventory;

namespace SentinelSync.Agent.Runtime;

/// <summary>
/// Runs the collectors on the intervals of the configuration in force and appends every report to
/// the spool before anything is sent (at-least-once): a full inventory first, then only the
/// sections that changed; a metric batch every interval.
/// </summary>
/// <remarks>
/// One loop, one thread at a time. A configuration change is picked up without restart: new
/// intervals reschedule the next runs, a changed <c>collectors.disabled</c> rebuilds the collectors.
/// </remarks>
internal sealed partial class CollectionLoop
{
    private readonly EffectiveConfiguration _configuration;
    private readonly Func<CollectorOptions, CollectorHost> _createHost;
    private readonly AgentSpool _spool;
    private readonly WakeSignal _spooled;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private Inventory? _lastInventory;

    /// <param name="configuration">Intervals and switched-off collectors in force.</param>
    /// <param name="createHost">Builds the collectors for a configuration.</param>
    /// <param name="spool">Where every report goes first.</param>
    /// <param name="spooled">Notified after each append, for the stream sender.</param>
    /// <param name="time">The schedule's clock.</param>
    /// <param name="logger">Event ids 3400-3499.</param>
    public CollectionLoop(
        EffectiveConfiguration configuration,
        Func<CollectorOptions, CollectorHost> createHost,
        AgentSpool spool,
        WakeSignal spooled,
        TimeProvider time,
        ILogger<CollectionLoop> logger)
    {
        _configuration = configuration;
        _createHost = createHost;
        _spool = spool;
        _spooled = spooled;
        _time = time;
        _logger = logger;
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var changed = _configuration.Changed;
        var options = _configuration.Current.Collectors;
        var host = _createHost(options);
        var nextInventory = _time.GetUtcNow();
        var nextMetrics = nextInventory;
        while (!cancellationToken.IsCancellationRequested)
        {
            var now = _time.GetUtcNow();
            if (now >= nextInventory)
            {
                CollectInventory(host, cancellationToken);
                nextInventory = now + options.InventoryInterval;
            }

            if (now >= nextMetrics)
            {
                CollectMetrics(host, cancellationToken);

                // Keep the cadence; after a stall (suspend, overload) start afresh instead of catching up.
                nextMetrics += options.MetricsInterval;
                if (nextMetrics <= now)
                {
                    nextMetrics = now + options.MetricsInterval;
                }
            }

            var wait = (nextInventory < nextMetrics ? nextInventory : nextMetrics) - _time.GetUtcNow();
            using (var delayCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                var delay = Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, _time, delayCancellation.Token);
                await Task.WhenAny(delay, changed).ConfigureAwait(false);
                await delayCancellation.CancelAsync().ConfigureAwait(false);
            }

            if (changed.IsCompleted)
            {
                changed = _configuration.Changed;
                var updated = _configuration.Current.Collectors;
                if (!updated.Disabled.Order(StringComparer.Ordinal).SequenceEqual(options.Disabled.Order(StringComparer.Ordinal), StringComparer.Ordinal))
                {
                    host = _createHost(updated);
                    LogCollectorsChanged(string.Join(", ", host.Enabled));
                }

                nextMetrics += updated.MetricsInterval - options.MetricsInterval;
                nextInventory += updated.InventoryInterval - options.InventoryInterval;
                options = updated;
            }
        }
    }

    private void CollectInventory(CollectorHost host, CancellationToken cancellationToken)
    {
        var collection = host.CollectInventory(cancellationToken);
        var report = new InventoryReport { CollectedAt = Timestamp.FromDateTimeOffset(_time.GetUtcNow()) };
        report.Errors.Add(Errors(collection.Reports));
        if (_lastInventory is null)
        {
            report.Full = true;
            report.Inventory = collection.Inventory;
        }
        else
        {
            var changes = InventoryDiff.Compare(_lastInventory, collection.Inventory);
            if (changes.Count == 0 && report.Errors.Count == 0)
            {
                return;
            }

            report.Inventory = InventoryDiff.Delta(collection.Inventory, changes);
            report.ChangedSections.Add(changes.Select(change => change.Path.Split('.', '[')[0]).Distinct(StringComparer.Ordinal));
            LogInventoryChanged(changes.Count, string.Join(", ", report.ChangedSections));
        }

        if (Spool(new ConnectRequest { Inventory = report }))
        {
            _lastInventory = collection.Inventory;
        }
    }

    private void CollectMetrics(CollectorHost host, CancellationToken cancellationToken)
    {
        var collection = host.CollectMetrics(cancellationToken);
        collection.Batch.Errors.Add(Errors(collection.Reports));
        if (collection.Batch.Samples.Count > 0 || collection.Batch.Errors.Count > 0)
        {
            Spool(new ConnectRequest { Metrics = collection.Batch });
        }
    }

    private bool Spool(ConnectRequest message)
    {
        try
        {
            _spool.Append(message);
        }
        catch (IOException ex)
        {
            LogSpoolFailed(ex, message.BodyCase.ToString());
            return false;
        }

        _spooled.Notify();
        return true;
    }

    private static IEnumerable<CollectorError> Errors(IEnumerable<CollectorReport> reports) =>
        reports.Where(report => !report.Succeeded).Select(report => new CollectorError
        {
            Collector = report.Name,
            Error = report.Error!.Message,
            Duration = Duration.FromTimeSpan(report.Duration),
        });
}
