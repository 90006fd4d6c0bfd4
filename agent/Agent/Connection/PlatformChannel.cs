using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;
using SentinelSync.Agent.Identity;

namespace SentinelSync.Agent.Connection;

/// <summary>Channels to the platform's agent endpoint: our own HTTP/2 handler, keepalive pings, and a trust decision that never consults the machine's store.</summary>
internal static class PlatformChannel
{
    /// <summary>
    /// Gives up on a connection attempt (TCP connect and TLS handshake) after this long; the backoff decides when to
    /// try again. Longer than the agent endpoint's handshake timeout (20 s): under a fleet's reconnect wave the
    /// handshake queues for the server's CPU, and an attempt abandoned while the server works on it wastes that work.
    /// </summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    /// <param name="server">The agent endpoint; <c>https</c> for anything but a test.</param>
    /// <param name="serverCertificate">Decides whether the server's certificate is trusted; required for https.</param>
    /// <param name="clientCertificate">The agent's certificate with its key, for mTLS; null while enrolling.</param>
    /// <param name="reconnect">Keepalive interval and timeout.</param>
    /// <param name="connect">Opens the connection instead of the handler's default (the agents benchmark binds a source address); null for the default.</param>
    public static GrpcChannel Create(
        Uri server,
        ServerCertificatePolicy? serverCertificate,
        SslStreamCertificateContext? clientCertificate,
        ReconnectOptions reconnect,
        Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>>? connect = null)
    {
        var handler = new SocketsHttpHandler
        {
            // One connection per stream: the agent holds one call, and a fresh channel per stream.
            EnableMultipleHttp2Connections = false,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            KeepAlivePingDelay = reconnect.KeepAliveInterval,
            KeepAlivePingTimeout = reconnect.KeepAliveTimeout,
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            ConnectTimeout = ConnectTimeout,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            UseCookies = false,
            UseProxy = false,
            AllowAutoRedirect = false,
            ConnectCallback = connect,
        };
        if (server.Scheme == Uri.UriSchemeHttps)
        {
            ArgumentNullException.ThrowIfNull(serverCertificate);
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = serverCertificate.Validate,
                ClientCertificateContext = clientCertificate,
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            };
        }

        return GrpcChannel.ForAddress(server, new GrpcChannelOptions { HttpHandler = handler });
    }
}
