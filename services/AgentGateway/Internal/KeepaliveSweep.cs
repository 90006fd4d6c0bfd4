using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SentinelSync.AgentGateway.Internal;

/// <summary>
/// Application-level keepalive for every session with one shared timer: pings quiet sessions, and cuts those
/// whose Ping went unanswered for <see cref="AgentGatewayOptions.PongTimeout"/>.
/// </summary>
internal sealed class KeepaliveSweep : BackgroundService
{
    private readonly AgentSessionRegistry _sessions;
    private readonly AgentGatewayOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<KeepaliveSweep> _logger;
    private ulong _nonce;

    public KeepaliveSweep(AgentSessionRegistry sessions, IOptions<AgentGatewayOptions> options, TimeProvider timeProvider, ILogger<KeepaliveSweep> logger)
    {
        _sessions = sessions;
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>How often the sweep runs: often enough that a dead peer is cut at most a quarter late.</summary>
    internal TimeSpan Period => TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond * 10, Math.Min(_options.PingInterval.Ticks, _options.PongTimeout.Ticks) / 4));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, _timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Sweep();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One pass over the sessions.</summary>
    internal void Sweep()
    {
        var now = _timeProvider.GetTimestamp();
        var pingInterval = (long)(_options.PingInterval.TotalSeconds * _timeProvider.TimestampFrequency);
        var pongTimeout = (long)(_options.PongTimeout.TotalSeconds * _timeProvider.TimestampFrequency);
        foreach (var session in _sessions.Sessions)
        {
            if (!session.CheckAlive(now, pingInterval, pongTimeout, ++_nonce))
            {
                AgentGatewayLog.PeerDead(_logger, session.AgentId, session.PeerAddress, _options.PongTimeout);
                session.Cut(new Status(StatusCode.Unavailable, $"No Pong within {_options.PongTimeout}: the agent is considered dead; reconnect."));
            }
        }
    }
}
