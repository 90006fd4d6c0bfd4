using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SentinelSync.Asset.Metrics;

/// <summary>
/// Every <c>Asset:Metrics:MaintenancePeriod</c>: creates the current and the next <c>PartitionsAhead</c> partitions,
/// and drops whole partitions whose range ended more than <c>Retention</c> ago.
/// </summary>
/// <remarks>
/// Starts once the host has started (so the schema migrations have run). A failed pass is logged and retried at the
/// next period; it never stops the host.
/// </remarks>
internal sealed partial class MetricPartitionMaintenance : BackgroundService
{
    /// <summary>How long a pass waits for a table lock before it gives up until the next period.</summary>
    internal static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(10);

    private readonly MetricPartitionCatalog _partitions;
    private readonly IOptionsMonitor<MetricsOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILogger<MetricPartitionMaintenance> _logger;

    public MetricPartitionMaintenance(
        MetricPartitionCatalog partitions,
        IOptionsMonitor<MetricsOptions> options,
        TimeProvider timeProvider,
        IHostApplicationLifetime lifetime,
        ILogger<MetricPartitionMaintenance> logger)
    {
        _partitions = partitions;
        _options = options;
        _timeProvider = timeProvider;
        _lifetime = lifetime;
        _logger = logger;
    }

    /// <summary>
    /// One pass: create ahead, drop expired, then re-read the partitions, so writers find the ones created ahead (here or
    /// by another replica) in memory before their time comes.
    /// </summary>
    /// <returns>How many partitions were created and dropped.</returns>
    public async Task<(int Created, int Dropped)> RunOnceAsync(CancellationToken cancellationToken)
    {
        var options = _options.CurrentValue;
        var now = _timeProvider.GetUtcNow().UtcDateTime;
        var created = await _partitions.CreateAheadAsync(now, options.PartitionsAhead, LockTimeout, cancellationToken);
        var dropped = await _partitions.DropExpiredAsync(now - options.Retention, LockTimeout, cancellationToken);
        await _partitions.RefreshAsync(cancellationToken);
        return (created.Count, dropped.Count);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await WaitForStartedAsync(stoppingToken))
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                MaintenanceFailed(_logger, _options.CurrentValue.MaintenancePeriod, exception);
            }

            try
            {
                await Task.Delay(_options.CurrentValue.MaintenancePeriod, _timeProvider, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<bool> WaitForStartedAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onStarted = _lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        using var onStopping = stoppingToken.Register(() => started.TrySetCanceled(stoppingToken));
        try
        {
            await started.Task;
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(EventId = 1520, Level = LogLevel.Error, Message = "Metric partition maintenance failed; it runs again in {Period}.")]
    private static partial void MaintenanceFailed(ILogger logger, TimeSpan period, Exception exception);
}
