using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;
using SentinelSync.Agent.Connection;
using SentinelSync.Agent.Identity;

namespace SentinelSync.Bench.Agents;

/// <summary>
/// The agent's channel (<see cref="PlatformChannel.Create"/>: the same handler settings, keepalive and trust decision)
/// with one difference: the connection leaves from a given 127.0.0.x address, so ten thousand agents on one machine
/// do not share one source address's ephemeral ports.
/// </summary>
/// <remarks>
/// A copy of PlatformChannel's handler, because PlatformChannel takes no connect hook; keep the two in step (or give
/// PlatformChannel an optional ConnectCallback and call it from here).
/// </remarks>
internal static class SourceAddressChannel
{
    public static GrpcChannel Create(Uri server, ServerCertificatePolicy serverCertificate, X509Certificate2 clientCertificate, ReconnectOptions reconnect, IPAddress source)
    {
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = false,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            KeepAlivePingDelay = reconnect.KeepAliveInterval,
            KeepAlivePingTimeout = reconnect.KeepAliveTimeout,
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            ConnectTimeout = PlatformChannel.ConnectTimeout,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            UseProxy = false,
            AllowAutoRedirect = false,
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = serverCertificate.Validate,
                ClientCertificates = new X509CertificateCollection { clientCertificate },
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            },
            ConnectCallback = (context, cancellationToken) => ConnectFromAsync(source, context.DnsEndPoint, cancellationToken),
        };
        return GrpcChannel.ForAddress(server, new GrpcChannelOptions { HttpHandler = handler });
    }

    private static async ValueTask<Stream> ConnectFromAsync(IPAddress source, DnsEndPoint target, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Bind(new IPEndPoint(source, 0));
            var address = IPAddress.TryParse(target.Host, out var parsed) ? parsed : (await Dns.GetHostAddressesAsync(target.Host, AddressFamily.InterNetwork, cancellationToken))[0];
            await socket.ConnectAsync(new IPEndPoint(address, target.Port), cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
