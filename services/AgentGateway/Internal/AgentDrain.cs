using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SentinelSync.Contracts.Agent.V1;

namespace SentinelSync.AgentGateway.Internal;

/// <summary>
/// When the process stops, ends every agent's stream with a GoAway that tells it over how long a window to come
/// back, then UNAVAILABLE; agents reconnect (to another replica, or to this one after its restart) at once instead of
/// holding the server's shutdown until its drain timeout, and spread over the window instead of all at the same
/// instant.
/// </summary>
/// <remarks>
/// The window is <c>connected agents / ReconnectRate</c>, at most <c>MaxReconnectWindow</c>: the fleet returns at
/// about the rate the gateway is configured to take. A session whose writer does not send the GoAway within
/// <see cref="LeaveGrace"/> (an agent that stopped reading) is cut regardless.
/// </remarks>
internal sealed class AgentDrain : IHostedService
{
    /// <summary>How long the writer loops have to send the GoAway before the remaining streams are cut.</summary>
    internal static readonly TimeSpan LeaveGrace = TimeSpan.FromSeconds(2);

    private static readonly Status ShuttingDown = new(StatusCode.Unavailable, "The agent gateway is shutting down; reconnect.");

    private readonly AgentSessionRegistry _sessions;
    private readonly AgentGatewayOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly IHostApplicationLifetime _lifetime;
    private CancellationTokenRegistration _stopping;

    public AgentDrain(AgentSessionRegistry sessions, IOptions<AgentGatewayOptions> options, TimeProvider timeProvider, IHostApplicationLifetime lifetime)
    {
        _sessions = sessions;
        _options = options.Value;
        _timeProvider = timeProvider;
        _lifetime = lifetime;
    }

    /// <summary>The reconnect window for <paramref name="agents"/> connected agents.</summary>
    internal static TimeSpan Window(int agents, int reconnectRate, TimeSpan maxWindow)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(agents);
        ArgumentOutOfRangeException.ThrowIfLessThan(reconnectRate, 1);
        var seconds = (double)agents / reconnectRate;
        return seconds >= maxWindow.TotalSeconds ? maxWindow : TimeSpan.FromSeconds(seconds);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _stopping = _lifetime.ApplicationStopping.Register(Drain);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Sends every session its GoAway and cuts it; those still open after <see cref="LeaveGrace"/> are cut.</summary>
    internal void Drain()
    {
        var window = Window(_sessions.Count, _options.ReconnectRate, _options.MaxReconnectWindow);
        var farewell = new ConnectResponse { GoAway = new GoAway { ReconnectWindow = Duration.FromTimeSpan(window) } };
        foreach (var session in _sessions.Sessions)
        {
            session.Leave(farewell, ShuttingDown);
        }

        _ = CutStragglersAsync();
    }

    private async Task CutStragglersAsync()
    {
        await Task.Delay(LeaveGrace, _timeProvider, CancellationToken.None).ConfigureAwait(false);
        foreach (var session in _sessions.Sessions)
        {
            session.Cut(ShuttingDown);
        }
    }
}
