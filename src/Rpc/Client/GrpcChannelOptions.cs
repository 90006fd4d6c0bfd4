using Grpc.Net.Compression;

namespace Grpc.Net.Client;

/// <summary>Options of a <see cref="GrpcChannel"/>. Names and defaults follow grpc-dotnet.</summary>
public sealed class GrpcChannelOptions
{
    /// <summary>
    /// The HTTP handler the channel sends through, or null for the channel's own HTTP/2
    /// <see cref="SocketsHttpHandler"/> built from the keepalive and connect settings below.
    /// The channel disposes it when it is disposed. Cannot be combined with <see cref="HttpClient"/>.
    /// </summary>
    public HttpMessageHandler? HttpHandler { get; set; }

    /// <summary>
    /// An <see cref="System.Net.Http.HttpClient"/> the channel sends through instead of its own handler.
    /// Its <see cref="HttpClient.Timeout"/> still applies to every call. Cannot be combined with <see cref="HttpHandler"/>.
    /// </summary>
    public HttpClient? HttpClient { get; set; }

    /// <summary>Whether disposing the channel disposes <see cref="HttpClient"/>. False by default.</summary>
    public bool DisposeHttpClient { get; set; }

    /// <summary>
    /// The largest response message accepted, in bytes (compressed and decompressed); null for no limit.
    /// A larger message fails the call with RESOURCE_EXHAUSTED before it is read. Default 4 MiB.
    /// </summary>
    public int? MaxReceiveMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// The largest request message sent, in bytes (after compression); null (the default) for no limit.
    /// A larger message fails the call with RESOURCE_EXHAUSTED and is not sent.
    /// </summary>
    public int? MaxSendMessageSize { get; set; }

    /// <summary>
    /// The message compression algorithms the channel knows, for compressed responses and for requests
    /// compressed through the <c>grpc-internal-encoding-request</c> call header. Null means
    /// <see cref="Compression.CompressionProviders.Default"/> (gzip).
    /// </summary>
    public IList<ICompressionProvider>? CompressionProviders { get; set; }

    /// <summary>
    /// Whether a call cancelled through its <see cref="Grpc.Core.CallOptions.CancellationToken"/>, disposed, or past
    /// its deadline throws <see cref="OperationCanceledException"/> instead of an <see cref="Grpc.Core.RpcException"/>
    /// with CANCELLED or DEADLINE_EXCEEDED. False by default.
    /// </summary>
    public bool ThrowOperationCanceledOnCancellation { get; set; }

    /// <summary>
    /// How long a connection of the default handler may be quiet before it sends an HTTP/2 PING.
    /// Default 60 seconds, at least 1 second; <see cref="Timeout.InfiniteTimeSpan"/> turns keepalive pings off.
    /// </summary>
    public TimeSpan KeepAlivePingDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long the default handler waits for a PING's acknowledgement before it closes the connection
    /// and fails its calls with UNAVAILABLE: this is how a dead peer is noticed. Default 30 seconds, at least 1 second.
    /// </summary>
    public TimeSpan KeepAlivePingTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>When the default handler sends keepalive pings. Default: only while calls are active.</summary>
    public HttpKeepAlivePingPolicy KeepAlivePingPolicy { get; set; } = HttpKeepAlivePingPolicy.WithActiveRequests;

    /// <summary>How long the default handler may take to open a connection. Default: no limit.</summary>
    public TimeSpan ConnectTimeout { get; set; } = Timeout.InfiniteTimeSpan;

    /// <summary>The clock behind deadlines; tests substitute a fake one.</summary>
    internal TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
