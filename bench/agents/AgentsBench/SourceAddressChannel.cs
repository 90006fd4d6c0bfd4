using System.Net;
using System.Net.Sockets;
using System.Net.Security;
using Grpc.Net.Client;
using SentinelSync.Agent.Connection;
using SentinelSync.Agent.Identity;

namespace SentinelSync.Bench.Agents;

/// <summary>
/// The agent's own channel (<see cref="PlatformChannel.Create"/>) whose connections leave from a given 127.0.0.x
/// address, so ten thousand agents on one machine do not share one source address's ephemeral ports.
/// </summary>
internal static class SourceAddressChannel
{
    public static GrpcChannel Create(Uri server, ServerCertificatePolicy serverCertificate, SslStreamCertificateContext clientCertificate, ReconnectOptions reconnect, IPAddress source) =>
        PlatformChannel.Create(server, serverCertificate, clientCertificate, reconnect, (context, cancellationToken) => ConnectFromAsync(source, context.DnsEndPoint, cancellationToken));

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
