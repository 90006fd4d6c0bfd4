using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;

namespace SentinelSync.Gateway.Internal;

/// <summary>YARP's client factory with <see cref="ConnectFailoverHandler"/> around every cluster's handler.</summary>
internal sealed class FailoverForwarderHttpClientFactory : ForwarderHttpClientFactory
{
    private readonly IDestinationHealthUpdater _health;
    private readonly GatewayOptions _options;
    private readonly ILogger<ConnectFailoverHandler> _logger;

    public FailoverForwarderHttpClientFactory(
        ILogger<ForwarderHttpClientFactory> factoryLogger,
        IDestinationHealthUpdater health,
        IOptions<GatewayOptions> options,
        ILogger<ConnectFailoverHandler> logger)
        : base(factoryLogger)
    {
        _health = health;
        _options = options.Value;
        _logger = logger;
    }

    protected override HttpMessageHandler WrapHandler(ForwarderHttpClientContext context, HttpMessageHandler handler) =>
        new ConnectFailoverHandler(base.WrapHandler(context, handler), _health, _options.FailureReactivationPeriod, _logger);
}
