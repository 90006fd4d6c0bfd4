using Grpc.AspNetCore.HealthChecks;
using Grpc.Core;
using Grpc.Health.V1;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary><c>grpc.health.v1.Health</c> over the <see cref="ServingStatusBoard"/>.</summary>
internal sealed class HealthService : Health.V1.Health.HealthBase
{
    private readonly ServingStatusBoard _board;

    public HealthService(ServingStatusBoard board) => _board = board;

    public override Task<HealthCheckResponse> Check(HealthCheckRequest request, ServerCallContext context)
    {
        if (!_board.TryGetStatus(request.Service, out var status))
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"Unknown service '{request.Service}'."));
        }

        return Task.FromResult(new HealthCheckResponse { Status = status });
    }

    public override async Task Watch(HealthCheckRequest request, IServerStreamWriter<HealthCheckResponse> responseStream, ServerCallContext context)
    {
        using var watch = _board.Watch(request.Service);
        var changes = watch.Changes;
        var cancellationToken = context.CancellationToken;
        while (await changes.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (changes.TryRead(out var status))
            {
                await responseStream.WriteAsync(new HealthCheckResponse { Status = status }).ConfigureAwait(false);
            }
        }

        // The watch ends only when the application stops: tell the client to look elsewhere.
        throw new RpcException(new Status(StatusCode.Unavailable, "The server is shutting down."));
    }
}
