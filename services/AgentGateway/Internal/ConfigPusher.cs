using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SentinelSync.Contracts.Agent.V1;
using SentinelSync.Contracts.Asset.V1;

namespace SentinelSync.AgentGateway.Internal;

/// <summary>Sends an agent its effective configuration when the version it has differs from Asset's.</summary>
internal sealed class ConfigPusher
{
    private readonly AssetService.AssetServiceClient _asset;
    private readonly AgentGatewayOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<ConfigPusher> _logger;

    public ConfigPusher(AssetService.AssetServiceClient asset, IOptions<AgentGatewayOptions> options, TimeProvider timeProvider, ILogger<ConfigPusher> logger)
    {
        _asset = asset;
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>Fetches the agent's effective configuration and queues a ConfigUpdate if its version is new to the agent.</summary>
    /// <remarks>Failures are logged, not thrown: the next change or reconnect tries again.</remarks>
    public async Task PushIfChangedAsync(AgentSession session, CancellationToken cancellationToken)
    {
        GetEffectiveConfigResponse config;
        try
        {
            config = await _asset.GetEffectiveConfigAsync(
                new GetEffectiveConfigRequest { AgentId = session.AgentId },
                deadline: _timeProvider.GetUtcNow().UtcDateTime + _options.AssetCallTimeout,
                cancellationToken: cancellationToken);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
            return;
        }
        catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
        {
            AgentGatewayLog.ConfigFetchFailed(_logger, session.AgentId, ex.Status.StatusCode, ex.Status.Detail);
            return;
        }

        if (config.Version <= 0 || session.ExchangeConfigVersion(config.Version) == config.Version)
        {
            return;
        }

        await session.SendAsync(new ConnectResponse { Config = new ConfigUpdate { Version = config.Version, Document = config.Document } }, cancellationToken);
        AgentGatewayLog.ConfigPushed(_logger, session.AgentId, config.Version);
    }
}
