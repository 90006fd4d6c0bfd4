using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace SentinelSync.AgentGateway.Internal;

/// <summary>Configures the agent endpoint: HTTP/2 over TLS from the platform CA, client certificates optional.</summary>
internal sealed class AgentEndpointConfigurator
{
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);

    private readonly AgentTrust _trust;

    public AgentEndpointConfigurator(AgentTrust trust) => _trust = trust;

    public void Configure(ListenOptions listen)
    {
        listen.Protocols = HttpProtocols.Http2;
        listen.Use(next => connection =>
        {
            AgentEndpointMarker.Mark(connection.Items);
            return next(connection);
        });
        listen.UseHttps(new TlsHandshakeCallbackOptions
        {
            HandshakeTimeout = HandshakeTimeout,
            OnConnection = context => _trust.CreateServerOptionsAsync(HandshakeTimeout, context.CancellationToken),
        });
    }
}
