using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SentinelSync.AgentGateway.Internal;

/// <summary>Configures the agent endpoint: HTTP/2 over TLS from the platform CA, client certificates optional.</summary>
internal sealed class AgentEndpointConfigurator
{
    /// <summary>
    /// How long a TLS handshake may take once accepted (Kestrel's default is 10 s). Twice that: when a restarted
    /// gateway's fleet returns, handshakes queue for CPU, and one given up after 10 s of waiting is work thrown away
    /// on both ends and a retry that costs the same again. Below the agent's connect timeout (30 s), so the agent
    /// hears the server's verdict instead of abandoning a handshake the server is still doing.
    /// </summary>
    internal static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(20);

    private readonly AgentTrust _trust;
    private readonly AgentGatewayOptions _options;
    private readonly ILogger<AgentEndpointConfigurator> _logger;
    private int _releaseChecked;

    public AgentEndpointConfigurator(AgentTrust trust, IOptions<AgentGatewayOptions> options, ILogger<AgentEndpointConfigurator> logger)
    {
        _trust = trust;
        _options = options.Value;
        _logger = logger;
    }

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
        if (_options.ReleaseTlsBuffers)
        {
            // After the handshake, before HTTP/2 reads or writes the stream.
            listen.Use(next => connection =>
            {
                ReleaseTlsBuffers(connection);
                return next(connection);
            });
        }
    }

    private void ReleaseTlsBuffers(ConnectionContext connection)
    {
        if (connection.Features.Get<ISslStreamFeature>()?.SslStream is { } stream
            && !OpenSslBufferRelease.TryEnable(stream)
            && Interlocked.Exchange(ref _releaseChecked, 1) == 0)
        {
            AgentGatewayLog.TlsBufferReleaseUnavailable(_logger);
        }
    }
}
