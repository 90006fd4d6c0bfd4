using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;

namespace SentinelSync.Gateway.Internal;

/// <summary>
/// YARP's client factory with <see cref="ConnectFailoverHandler"/> around every cluster's handler, and calls for this
/// process's own roles kept in memory (<see cref="LocalRoleTransport"/>).
/// </summary>
internal sealed class FailoverForwarderHttpClientFactory : ForwarderHttpClientFactory
{
    private readonly IDestinationHealthUpdater _health;
    private readonly GatewayOptions _options;
    private readonly ILogger<ConnectFailoverHandler> _logger;
    private readonly LocalRoleTransport _local;

    public FailoverForwarderHttpClientFactory(
        ILogger<ForwarderHttpClientFactory> factoryLogger,
        IDestinationHealthUpdater health,
        IOptions<GatewayOptions> options,
        ILogger<ConnectFailoverHandler> logger,
        LocalRoleTransport local)
        : base(factoryLogger)
    {
        _health = health;
        _options = options.Value;
        _logger = logger;
        _local = local;
    }

    protected override HttpMessageHandler WrapHandler(ForwarderHttpClientContext context, HttpMessageHandler handler) =>
        new ConnectFailoverHandler(_local.Wrap(base.WrapHandler(context, handler)), _health, _options.FailureReactivationPeriod, _logger);
}
