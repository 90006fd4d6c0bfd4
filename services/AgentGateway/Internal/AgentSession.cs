using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Grpc.Core;
using SentinelSync.Contracts.Agent.V1;

namespace SentinelSync.AgentGateway.Internal;

/// <summary>
/// One connected agent: its downstream queue, the token that cuts its stream, and its liveness and
/// configuration state. Small on purpose: ten thousand of these live in one process.
/// </summary>
/// <remarks>
/// Downstream messages (welcome, acks, pings, configuration) go through one bounded queue that a single writer
/// loop drains, so producers on other threads never write to the stream themselves. <see cref="Cut"/> may be
/// called from any thread, any number of times; the first status wins.
/// </remarks>
internal sealed class AgentSession
{
    private const int DownstreamCapacity = 8;

    private readonly Channel<ConnectResponse> _downstream = Channel.CreateBounded<ConnectResponse>(
        new BoundedChannelOptions(DownstreamCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private readonly CancellationTokenSource _cut;
    private StrongBox<Status>? _cutStatus;
    private StrongBox<Status>? _leaveStatus;
    private long _pingNonce;
    private long _pingSentAt;
    private long _lastActivity;
    private long _lastSent;
    private long _configVersion;

    public AgentSession(string agentId, string peerAddress, long appliedConfigVersion, long now, CancellationToken callCancelled)
    {
        AgentId = agentId;
        PeerAddress = peerAddress;
        _configVersion = appliedConfigVersion;
        _lastActivity = now;
        _lastSent = now;
        _cut = CancellationTokenSource.CreateLinkedTokenSource(callCancelled);
    }

    public string AgentId { get; }

    public string PeerAddress { get; }

    /// <summary>Cancelled when the stream is cut (or the call ends).</summary>
    public CancellationToken Cancelled => _cut.Token;

    /// <summary>Why the stream was cut; null while it was not.</summary>
    public Status? CutStatus => Volatile.Read(ref _cutStatus)?.Value;

    /// <summary>The downstream queue's reader, for the single writer loop.</summary>
    public ChannelReader<ConnectResponse> Downstream => _downstream.Reader;

    /// <summary>Queues a message, waiting while the queue is full (the agent reads slowly).</summary>
    public ValueTask SendAsync(ConnectResponse message, CancellationToken cancellationToken) => _downstream.Writer.WriteAsync(message, cancellationToken);

    /// <summary>Queues a message if there is room at once.</summary>
    public bool TrySend(ConnectResponse message) => _downstream.Writer.TryWrite(message);

    /// <summary>No more downstream messages: the writer loop ends once it sent what is queued.</summary>
    public void CompleteDownstream() => _downstream.Writer.TryComplete();

    /// <summary>The status to cut the stream with once the writer loop sent the farewell (see <see cref="Leave"/>); null when not leaving.</summary>
    public Status? LeaveStatus => Volatile.Read(ref _leaveStatus)?.Value;

    /// <summary>
    /// Ends the stream politely: <paramref name="farewell"/> is queued as the last downstream message, and the writer
    /// loop cuts the stream with <paramref name="status"/> once it was sent. With the queue full (the agent is not
    /// reading) the stream is cut at once.
    /// </summary>
    public void Leave(ConnectResponse farewell, Status status)
    {
        if (Interlocked.CompareExchange(ref _leaveStatus, new StrongBox<Status>(status), null) is not null)
        {
            return;
        }

        if (_downstream.Writer.TryWrite(farewell))
        {
            _downstream.Writer.TryComplete();
        }
        else
        {
            Cut(status);
        }
    }

    /// <summary>Ends the stream with <paramref name="status"/>: every loop of the session stops at once.</summary>
    public void Cut(Status status)
    {
        if (Interlocked.CompareExchange(ref _cutStatus, new StrongBox<Status>(status), null) is not null)
        {
            return;
        }

        _downstream.Writer.TryComplete();
        try
        {
            _cut.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The session already ended.
        }
    }

    /// <summary>Records that the agent sent something: it is alive.</summary>
    public void MarkActive(long now) => Volatile.Write(ref _lastActivity, now);

    /// <summary>Records that a message went down to the agent.</summary>
    public void MarkSent(long now) => Volatile.Write(ref _lastSent, now);

    /// <summary>Records a Pong; it clears the outstanding Ping when the nonce matches.</summary>
    public void OnPong(ulong nonce, long now)
    {
        MarkActive(now);
        if ((ulong)Volatile.Read(ref _pingNonce) == nonce)
        {
            Volatile.Write(ref _pingSentAt, 0);
        }
    }

    /// <summary>
    /// The keepalive sweep's visit: sends a Ping when either direction of the session was quiet for
    /// <paramref name="pingInterval"/>; returns false when a Ping went unanswered for longer than
    /// <paramref name="pongTimeout"/> (the peer is dead).
    /// </summary>
    /// <remarks>
    /// Quiet downstream counts too: an agent that only heartbeats (heartbeats are not acked) would otherwise hear
    /// nothing from the platform and drop the stream at its own silence timeout.
    /// </remarks>
    public bool CheckAlive(long now, long pingInterval, long pongTimeout, ulong nonce)
    {
        var sentAt = Volatile.Read(ref _pingSentAt);
        if (sentAt != 0)
        {
            return now - sentAt <= pongTimeout;
        }

        if (now - Math.Min(Volatile.Read(ref _lastActivity), Volatile.Read(ref _lastSent)) < pingInterval)
        {
            return true;
        }

        Volatile.Write(ref _pingNonce, (long)nonce);
        Volatile.Write(ref _pingSentAt, now);
        // A full queue means the agent is not reading; the unanswered Ping then cuts it.
        TrySend(new ConnectResponse { Ping = new Ping { Nonce = nonce } });
        return true;
    }

    /// <summary>Swaps in the configuration version the agent has or was sent; returns the previous one.</summary>
    public long ExchangeConfigVersion(long version) => Interlocked.Exchange(ref _configVersion, version);

    /// <summary>Releases the cut token's link to the call.</summary>
    public void Dispose()
    {
        _downstream.Writer.TryComplete();
        _cut.Dispose();
    }
}
