using System.Threading.Channels;
using Grpc.AspNetCore.HealthChecks;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>One Watch call's view of a service's status: the changes, in order, ending when the application stops.</summary>
internal sealed class HealthWatch : IDisposable
{
    // A watcher that does not keep up loses the oldest changes, never the latest status.
    private const int Capacity = 16;

    private readonly ServingStatusBoard _board;
    private readonly Channel<ServingStatus> _changes = Channel.CreateBounded<ServingStatus>(
        new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = false });

    public HealthWatch(ServingStatusBoard board, string service)
    {
        _board = board;
        Service = service;
    }

    public string Service { get; }

    public ChannelReader<ServingStatus> Changes => _changes.Reader;

    public void Post(ServingStatus status) => _changes.Writer.TryWrite(status);

    public void Complete() => _changes.Writer.TryComplete();

    public void Dispose()
    {
        _board.Unwatch(this);
        Complete();
    }
}
