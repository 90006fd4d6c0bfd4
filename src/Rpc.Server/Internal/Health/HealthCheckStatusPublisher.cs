using Grpc.AspNetCore.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>
/// Reports the application's health checks (<c>AddGrpcHealthChecks().AddCheck(…)</c>) as the server's overall
/// status, the empty service name: unhealthy is NOT_SERVING, healthy or degraded SERVING.
/// </summary>
internal sealed class HealthCheckStatusPublisher : IHealthCheckPublisher
{
    private readonly ServingStatusBoard _board;

    public HealthCheckStatusPublisher(ServingStatusBoard board) => _board = board;

    public Task PublishAsync(HealthReport report, CancellationToken cancellationToken)
    {
        _board.SetStatus(string.Empty, report.Status == HealthStatus.Unhealthy ? ServingStatus.NotServing : ServingStatus.Serving);
        return Task.CompletedTask;
    }
}
