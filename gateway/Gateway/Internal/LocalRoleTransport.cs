using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Options;
using SentinelSync.InProcess;

namespace SentinelSync.Gateway.Internal;

/// <summary>
/// Puts the in-process transport under a role's handler: calls for this process's own internal endpoint go into the
/// application in memory (<see cref="InProcessServer"/>), all others over the network. Without an
/// <see cref="InProcessServer"/> as the host's server, or with <see cref="GatewayOptions.LocalRolesInProcess"/> off,
/// every call takes the network.
/// </summary>
internal sealed class LocalRoleTransport
{
    private readonly InProcessServer? _server;
    private readonly Uri _localAddress;

    public LocalRoleTransport(IServer server, GatewayRouteTable table, IOptions<GatewayOptions> options)
    {
        _server = options.Value.LocalRolesInProcess ? server as InProcessServer : null;
        _localAddress = new Uri(table.LocalAddress);
    }

    /// <summary><paramref name="network"/>, with this process's own calls taken out of it when the host allows.</summary>
    public HttpMessageHandler Wrap(HttpMessageHandler network) => _server?.CreateHandler(_localAddress, network) ?? network;
}
