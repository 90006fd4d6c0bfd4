using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SentinelSync.Contracts.Asset.V1;

namespace SentinelSync.AgentGateway.Internal;

/// <summary>
/// One subscription per process to Asset's agent changes: a decommissioned agent's live stream is cut at once
/// with PERMISSION_DENIED. (Asset refuses its reconnects and reports afterwards.)
/// </summary>
internal sealed class AgentStateWatch : BackgroundService
{
    private readonly AssetService.AssetServiceClient _asset;
    private readonly AgentSessionRegistry _sessions;
    private readonly TimeProvider _timeProvider;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILogger<AgentStateWatch> _logger;

    public AgentStateWatch(AssetService.AssetServiceClient asset, AgentSessionRegistry sessions, TimeProvider timeProvider, IHostApplicationLifetime lifetime, ILogger<AgentStateWatch> logger)
    {
        _asset = asset;
        _sessions = sessions;
        _timeProvider = timeProvider;
        _lifetime = lifetime;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken hostStopping)
    {
        // The watch ends as soon as the application begins to stop, so the server's drain does not wait for it.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(hostStopping, _lifetime.ApplicationStopping);
        var stoppingToken = stopping.Token;
        var attempt = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                using var call = _asset.WatchAgents(new WatchAgentsRequest(), cancellationToken: stoppingToken);
                while (await call.ResponseStream.MoveNext(stoppingToken))
                {
                    attempt = 0;
                    var agent = call.ResponseStream.Current.Agent;
                    if (agent?.State == AgentState.Decommissioned && _sessions.TryGet(agent.AgentId, out var session))
                    {
                        AgentGatewayLog.DecommissionedCut(_logger, agent.AgentId, session.PeerAddress);
                        session.Cut(new Status(StatusCode.PermissionDenied, $"Agent '{agent.AgentId}' was decommissioned; enroll it again to reconnect."));
                    }
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or RpcException && stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (RpcException ex) when (!stoppingToken.IsCancellationRequested)
            {
                AgentGatewayLog.WatchFailed(_logger, "WatchAgents", ex.Status.StatusCode, ex.Status.Detail);
            }

            try
            {
                await Task.Delay(RetryDelay.For(attempt++), _timeProvider, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
