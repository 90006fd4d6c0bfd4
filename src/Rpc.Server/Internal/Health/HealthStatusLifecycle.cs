using Grpc.AspNetCore.HealthChecks;
using Microsoft.Extensions.Hosting;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>
/// Follows the application's lifetime: every mapped service and the server become SERVING once it has
/// started (unless the application set their status before), NOT_SERVING as soon as it begins to stop
/// (before in-flight calls drain).
/// </summary>
internal sealed class HealthStatusLifecycle : IHostedService
{
    private readonly ServingStatusBoard _board;
    private readonly ServiceCatalog _catalog;
    private readonly IHostApplicationLifetime _lifetime;
    private CancellationTokenRegistration _started;
    private CancellationTokenRegistration _stopping;

    public HealthStatusLifecycle(ServingStatusBoard board, ServiceCatalog catalog, IHostApplicationLifetime lifetime)
    {
        _board = board;
        _catalog = catalog;
        _lifetime = lifetime;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _started = _lifetime.ApplicationStarted.Register(MarkServing);
        _stopping = _lifetime.ApplicationStopping.Register(_board.BeginStopping);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        // Also reached when the host stops without ApplicationStopping (a failed start).
        _board.BeginStopping();
        _started.Dispose();
        _stopping.Dispose();
        return Task.CompletedTask;
    }

    private void MarkServing()
    {
        // A status set before the start (a service still warming up, a health check already run) is kept.
        foreach (var service in _catalog.Services)
        {
            MarkServing(service.Name);
        }

        MarkServing(string.Empty);
    }

    private void MarkServing(string service)
    {
        if (!_board.TryGetStatus(service, out _))
        {
            _board.SetStatus(service, ServingStatus.Serving);
        }
    }
}
