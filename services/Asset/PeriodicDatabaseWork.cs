using Microsoft.Extensions.Hosting;
using Npgsql;

namespace SentinelSync.Asset;

/// <summary>
/// A background loop that runs one piece of database work every <see cref="Period"/>; a run that fails with a
/// database error is reported through <see cref="OnFailed"/> and the next period tries again.
/// </summary>
internal abstract class PeriodicDatabaseWork(TimeProvider time) : BackgroundService
{
    /// <summary>How often the work runs.</summary>
    protected abstract TimeSpan Period { get; }

    /// <summary>One run of the work.</summary>
    protected abstract Task RunOnceAsync(CancellationToken cancellationToken);

    /// <summary>A run failed with <paramref name="exception"/>; log it.</summary>
    protected abstract void OnFailed(NpgsqlException exception);

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await RunOnceAsync(stoppingToken);
                }
                catch (NpgsqlException ex)
                {
                    OnFailed(ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
