using Microsoft.Extensions.Logging;
using SentinelSync.Agent.Connection;

namespace SentinelSync.Bench.Agents;

/// <summary>
/// One agent's <see cref="AgentUplink"/> logger: turns the uplink's own events (ids 3200-3203) into the fleet's
/// counters, so the benchmark counts what the real protocol code saw without changing it.
/// </summary>
internal sealed class UplinkProbe(FleetCounters counters) : ILogger<AgentUplink>
{
    private const int Connected = 3200;
    private const int StreamEnded = 3201;
    private const int StreamFailed = 3202;
    private const int StreamBroken = 3203;

    private bool _connected;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        // One uplink logs from one stream at a time; the flag needs no lock.
        switch (eventId.Id)
        {
            case Connected:
                _connected = true;
                counters.OnWelcome();
                break;
            case StreamEnded:
                End("stream ended by the platform");
                break;
            case StreamFailed:
                End($"{Field(state, "StatusCode")}: {Field(state, "Detail")}");
                break;
            case StreamBroken:
                End($"{Field(state, "Kind")}: {Field(state, "Reason")}");
                break;
        }
    }

    private void End(string reason)
    {
        counters.OnStreamEnd(reason, _connected);
        _connected = false;
    }

    private static string Field<TState>(TState state, string name)
    {
        if (state is IReadOnlyList<KeyValuePair<string, object?>> fields)
        {
            foreach (var field in fields)
            {
                if (field.Key == name)
                {
                    return field.Value?.ToString() ?? string.Empty;
                }
            }
        }

        return string.Empty;
    }
}
