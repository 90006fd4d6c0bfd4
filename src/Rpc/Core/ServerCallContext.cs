namespace Grpc.Core;

/// <summary>What a service method knows about its call: headers, deadline, cancellation, the status to send.</summary>
/// <remarks>
/// <see cref="CancellationToken"/> fires when the client cancels, the deadline passes or the connection
/// is lost. Members are not safe for concurrent use from several threads.
/// </remarks>
public abstract class ServerCallContext
{
    private Dictionary<object, object>? _userState;

    /// <summary>Sends the response headers now, before the first message.</summary>
    public Task WriteResponseHeadersAsync(Metadata responseHeaders) => WriteResponseHeadersAsyncCore(responseHeaders);

    /// <summary>The method's path, e.g. <c>/grpc.health.v1.Health/Check</c>.</summary>
    public string Method => MethodCore;

    /// <summary>The <c>:authority</c> the client called.</summary>
    public string Host => HostCore;

    /// <summary>The peer's address, e.g. <c>ipv4:127.0.0.1:50312</c>.</summary>
    public string Peer => PeerCore;

    /// <summary>The call's deadline in UTC; <see cref="DateTime.MaxValue"/> when none.</summary>
    public DateTime Deadline => DeadlineCore;

    /// <summary>The request headers (custom metadata only).</summary>
    public Metadata RequestHeaders => RequestHeadersCore;

    /// <summary>Fires when the call ends early: client cancellation, deadline, lost connection or shutdown.</summary>
    public CancellationToken CancellationToken => CancellationTokenCore;

    /// <summary>Trailers to send with the status.</summary>
    public Metadata ResponseTrailers => ResponseTrailersCore;

    /// <summary>The status to send when the method returns normally.</summary>
    public Status Status
    {
        get => StatusCore;
        set => StatusCore = value;
    }

    /// <summary>Options for response writes.</summary>
    public WriteOptions? WriteOptions
    {
        get => WriteOptionsCore;
        set => WriteOptionsCore = value;
    }

    /// <summary>State that interceptors and the service share for this call.</summary>
    public IDictionary<object, object> UserState => UserStateCore;

    protected abstract string MethodCore { get; }

    protected abstract string HostCore { get; }

    protected abstract string PeerCore { get; }

    protected abstract DateTime DeadlineCore { get; }

    protected abstract Metadata RequestHeadersCore { get; }

    protected abstract CancellationToken CancellationTokenCore { get; }

    protected abstract Metadata ResponseTrailersCore { get; }

    protected abstract Status StatusCore { get; set; }

    protected abstract WriteOptions? WriteOptionsCore { get; set; }

    protected virtual IDictionary<object, object> UserStateCore => _userState ??= [];

    protected abstract Task WriteResponseHeadersAsyncCore(Metadata responseHeaders);
}
