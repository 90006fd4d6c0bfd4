using System.Net;
using Microsoft.Extensions.Options;

namespace SentinelSync.AgentGateway.Internal;

/// <summary>The HTTP/2 client that forwards agents' Enroll calls to Asset.</summary>
internal sealed class EnrollForwardingClient : IDisposable
{
    public EnrollForwardingClient(IOptions<AgentGatewayOptions> options)
    {
        AssetAddress = new Uri(options.Value.AssetAddress);
        Client = new HttpMessageInvoker(new SocketsHttpHandler
        {
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            UseProxy = false,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
        });
    }

    public Uri AssetAddress { get; }

    public HttpMessageInvoker Client { get; }

    public void Dispose() => Client.Dispose();
}
