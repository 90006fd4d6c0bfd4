using System.Threading.Channels;
using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SentinelSync.Contracts.Asset.V1;

namespace SentinelSync.AgentGateway.Internal;

/// <summary>
/// One subscription per process to Asset's configuration changes. A change aimed at one agent refreshes that
/// agent's session; a change aimed at a label selector refreshes every session here. Bursts coalesce: changes
/// that arrive while a refresh runs are handled by one more pass.
/// </summary>
internal sealed class ConfigChangeWatch : BackgroundService
{
    private const int RefreshParallelism = 8;

    private readonly AssetService.AssetServiceClient _asset;
    private readonly AgentSessionRegistry _sessions;
    private readonly ConfigPusher _pusher;
    private readonly TimeProvider _timeProvider;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILogger<ConfigChangeWatch> _logger;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Lock _lock = new();
    private HashSet<string> _pendingAgents = new(StringComparer.Ordinal);
    private bool _pendingAll;

    public ConfigChangeWatch(AssetService.AssetServiceClient asset, AgentSessionRegistry sessions, ConfigPusher pusher, TimeProvider timeProvider, IHostApplicationLifetime lifetime, ILogger<ConfigChangeWatch> logger)
    {
        _asset = asset;
        _sessions = sessions;
        _pusher = pusher;
        _timeProvider = timeProvider;
        _lifetime = lifetime;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken hostStopping)
    {
        // The watch ends as soon as the application begins to stop, so the server's drain does not wait for it.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(hostStopping, _lifetime.ApplicationStopping);
        await Task.WhenAll(WatchAsync(stopping.Token), RefreshAsync(stopping.Token));
    }

    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        var attempt = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                using var call = _asset.WatchConfigChanges(new WatchConfigChangesRequest(), cancellationToken: cancellationToken);
                // Changes made while not subscribed were missed: look at every session once.
                Enqueue(null);
                while (await call.ResponseStream.MoveNext(cancellationToken))
                {
                    attempt = 0;
                    var change = call.ResponseStream.Current;
                    Enqueue(change.Target?.TargetCase == ConfigTarget.TargetOneofCase.AgentId ? change.Target.AgentId : null);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or RpcException && cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
            {
                AgentGatewayLog.WatchFailed(_logger, "WatchConfigChanges", ex.Status.StatusCode, ex.Status.Detail);
            }

            try
            {
                await Task.Delay(RetryDelay.For(attempt++), _timeProvider, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Notes a change for one agent, or for every agent when <paramref name="agentId"/> is null.</summary>
    internal void Enqueue(string? agentId)
    {
        lock (_lock)
        {
            if (agentId is null)
            {
                _pendingAll = true;
            }
            else if (_sessions.TryGet(agentId, out _))
            {
                _pendingAgents.Add(agentId);
            }
            else
            {
                return;
            }
        }

        _wake.Writer.TryWrite(true);
    }

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (await _wake.Reader.WaitToReadAsync(cancellationToken))
            {
                _wake.Reader.TryRead(out _);
                bool all;
                HashSet<string> agents;
                lock (_lock)
                {
                    all = _pendingAll;
                    agents = _pendingAgents;
                    _pendingAll = false;
                    _pendingAgents = new HashSet<string>(StringComparer.Ordinal);
                }

                var targets = all
                    ? _sessions.Sessions
                    : agents.Select(id => _sessions.TryGet(id, out var session) ? session : null).OfType<AgentSession>();
                await Parallel.ForEachAsync(targets, new ParallelOptions { MaxDegreeOfParallelism = RefreshParallelism, CancellationToken = cancellationToken }, async (session, ct) =>
                {
                    using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, session.Cancelled);
                    try
                    {
                        await _pusher.PushIfChangedAsync(session, linked.Token);
                    }
                    catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                    {
                        // The session ended meanwhile.
                    }
                    catch (ChannelClosedException)
                    {
                        // The session ended meanwhile.
                    }
                });
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}
