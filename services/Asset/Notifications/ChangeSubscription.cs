using System.Threading.Channels;
using Grpc.Core;

namespace SentinelSync.Asset.Notifications;

/// <summary>One watcher's view of a <see cref="ChangeFeed"/> channel: the notified ids, in order.</summary>
internal sealed class ChangeSubscription : IDisposable
{
    private readonly Channel<string> _channel;
    private readonly Action _leave;

    public ChangeSubscription(string channel, Channel<string> buffer, Action leave)
    {
        Channel = channel;
        _channel = buffer;
        _leave = leave;
    }

    public string Channel { get; }

    internal ChannelWriter<string> Writer => _channel.Writer;

    /// <summary>The next notified id.</summary>
    /// <exception cref="RpcException">The watcher was dropped (RESOURCE_EXHAUSTED) or the feed failed (UNAVAILABLE).</exception>
    public async ValueTask<string> ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _channel.Reader.ReadAsync(cancellationToken);
        }
        catch (ChannelClosedException ex) when (ex.InnerException is RpcException rpc)
        {
            throw rpc;
        }
    }

    public void Dispose()
    {
        _leave();
        _channel.Writer.TryComplete();
    }
}
