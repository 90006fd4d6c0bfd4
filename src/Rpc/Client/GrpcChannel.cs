using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Grpc.Core;
using Grpc.Core.Internal;
using Grpc.Net.Client.Internal;
using Grpc.Net.Compression;

namespace Grpc.Net.Client;

/// <summary>
/// A channel to one gRPC server over HTTP/2: <c>http://</c> addresses use cleartext HTTP/2 with prior
/// knowledge (h2c), <c>https://</c> addresses TLS with ALPN. Create one per server and share it: calls
/// reuse its connections, and run many at once as concurrent HTTP/2 streams.
/// </summary>
/// <remarks>Thread-safe. Disposing the channel closes its connections; calls still running then fail.</remarks>
public sealed class GrpcChannel : ChannelBase, IDisposable
{
    private readonly ConcurrentDictionary<IMethod, GrpcMethodInfo> _methods = new();
    private readonly Dictionary<string, ICompressionProvider> _compressionProviders;
    private readonly bool _disposeHttpInvoker;
    private readonly string _pathBase;
    private readonly HttpClientCallInvoker _callInvoker;
    private volatile bool _disposed;

    private GrpcChannel(Uri address, GrpcChannelOptions options)
        : base(address.Authority)
    {
        if (options.HttpClient is not null && options.HttpHandler is not null)
        {
            throw new ArgumentException($"{nameof(GrpcChannelOptions.HttpClient)} and {nameof(GrpcChannelOptions.HttpHandler)} cannot both be set.", nameof(options));
        }

        Address = address;
        _pathBase = address.AbsolutePath.TrimEnd('/');
        MaxReceiveMessageSize = options.MaxReceiveMessageSize;
        MaxSendMessageSize = options.MaxSendMessageSize;
        ThrowOperationCanceledOnCancellation = options.ThrowOperationCanceledOnCancellation;
        TimeProvider = options.TimeProvider;

        _compressionProviders = new Dictionary<string, ICompressionProvider>(StringComparer.Ordinal);
        IEnumerable<ICompressionProvider> providers = options.CompressionProviders ?? (IEnumerable<ICompressionProvider>)CompressionProviders.Default;
        foreach (var provider in providers)
        {
            _compressionProviders.TryAdd(provider.EncodingName, provider);
        }

        MessageAcceptEncoding = string.Join(',', [GrpcProtocol.IdentityEncoding, .. _compressionProviders.Keys]);

        if (options.HttpClient is { } httpClient)
        {
            HttpInvoker = httpClient;
            IsHttpClient = true;
            _disposeHttpInvoker = options.DisposeHttpClient;
        }
        else
        {
            HttpInvoker = new HttpMessageInvoker(options.HttpHandler ?? CreateDefaultHandler(options), disposeHandler: true);
            _disposeHttpInvoker = true;
        }

        _callInvoker = new HttpClientCallInvoker(this);
    }

    /// <summary>The server's address.</summary>
    public Uri Address { get; }

    internal HttpMessageInvoker HttpInvoker { get; }

    /// <summary>Whether <see cref="HttpInvoker"/> is an <see cref="HttpClient"/>, which must be asked not to buffer responses.</summary>
    internal bool IsHttpClient { get; }

    internal int? MaxReceiveMessageSize { get; }

    internal int? MaxSendMessageSize { get; }

    internal bool ThrowOperationCanceledOnCancellation { get; }

    internal TimeProvider TimeProvider { get; }

    /// <summary>The <c>grpc-accept-encoding</c> value: identity and every known provider.</summary>
    internal string MessageAcceptEncoding { get; }

    internal bool IsDisposed => _disposed;

    /// <summary>Creates a channel for an address such as <c>http://127.0.0.1:7400</c> with default options.</summary>
    public static GrpcChannel ForAddress(string address) => ForAddress(address, new GrpcChannelOptions());

    /// <summary>Creates a channel for an address such as <c>https://gateway:443</c>.</summary>
    public static GrpcChannel ForAddress(string address, GrpcChannelOptions channelOptions)
    {
        ArgumentNullException.ThrowIfNull(address);
        return ForAddress(new Uri(address), channelOptions);
    }

    /// <summary>Creates a channel for an address with default options.</summary>
    public static GrpcChannel ForAddress(Uri address) => ForAddress(address, new GrpcChannelOptions());

    /// <summary>Creates a channel for an address.</summary>
    /// <exception cref="ArgumentException">The address is not an absolute http or https URI, or the options conflict.</exception>
    public static GrpcChannel ForAddress(Uri address, GrpcChannelOptions channelOptions)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(channelOptions);
        if (!address.IsAbsoluteUri || (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"Address '{address}' is not an absolute http:// or https:// URI.", nameof(address));
        }

        return new GrpcChannel(address, channelOptions);
    }

    /// <inheritdoc />
    public override CallInvoker CreateCallInvoker()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _callInvoker;
    }

    /// <summary>Closes the channel's connections (when it owns its HTTP handler or was asked to dispose its client).</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_disposeHttpInvoker)
        {
            HttpInvoker.Dispose();
        }
    }

    /// <inheritdoc />
    protected override Task ShutdownAsyncCore()
    {
        Dispose();
        return Task.CompletedTask;
    }

    internal GrpcMethodInfo GetMethodInfo(IMethod method) =>
        _methods.TryGetValue(method, out var info) ? info : _methods.GetOrAdd(method, static (m, channel) => channel.CreateMethodInfo(m), this);

    internal bool TryGetCompressionProvider(string encoding, [NotNullWhen(true)] out ICompressionProvider? provider) =>
        _compressionProviders.TryGetValue(encoding, out provider);

    internal string SupportedEncodings() => MessageAcceptEncoding.Replace(",", ", ", StringComparison.Ordinal);

    private GrpcMethodInfo CreateMethodInfo(IMethod method)
    {
        var uri = _pathBase.Length == 0
            ? new Uri(Address, method.FullName)
            : new Uri(Address, _pathBase + method.FullName);
        return new GrpcMethodInfo(uri, method.ServiceName, method.Name);
    }

    private static SocketsHttpHandler CreateDefaultHandler(GrpcChannelOptions options) => new()
    {
        // A second connection opens when the server's stream limit is reached, instead of queueing calls.
        EnableMultipleHttp2Connections = true,
        // gRPC connections are long-lived; keepalive pings, not idleness, decide when one is dead.
        PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
        KeepAlivePingDelay = options.KeepAlivePingDelay,
        KeepAlivePingTimeout = options.KeepAlivePingTimeout,
        KeepAlivePingPolicy = options.KeepAlivePingPolicy,
        ConnectTimeout = options.ConnectTimeout,
        AutomaticDecompression = System.Net.DecompressionMethods.None,
        UseCookies = false,
    };
}
