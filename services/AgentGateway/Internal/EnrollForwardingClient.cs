using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using SentinelSync.InProcess;

namespace SentinelSync.AgentGateway.Internal;

/// <summary>
/// The HTTP/2 client that forwards agents' Enroll calls to Asset; to an Asset that is this process in memory
/// (<see cref="InProcessServer"/>), like the gateway's other Asset calls.
/// </summary>
internal sealed class EnrollForwardingClient : IDisposable
{
    public EnrollForwardingClient(IOptions<AgentGatewayOptions> options, IServer server, IConfiguration configuration)
    {
        AssetAddress = new Uri(options.Value.AssetAddress);
        var network = new SocketsHttpHandler
        {
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            UseProxy = false,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
        };
        Client = new HttpMessageInvoker(server is InProcessServer inProcess
            ? inProcess.CreateHandler(new Uri(InternalEndpoint.Address(configuration)), network)
            : network);
    }

    public Uri AssetAddress { get; }

    public HttpMessageInvoker Client { get; }

    public void Dispose() => Client.Dispose();
}
