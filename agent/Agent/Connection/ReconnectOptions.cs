namespace SentinelSync.Agent.Connection;

/// <summary>How the agent waits between attempts to reach the platform, and how it notices a dead one.</summary>
internal sealed class ReconnectOptions
{
    /// <summary><c>reconnect.initial_delay</c>: the ceiling of the first retry's wait. Default 1 second.</summary>
    public TimeSpan InitialDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary><c>reconnect.max_delay</c>: the cap of the wait, however many retries failed. Default 2 minutes.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary><c>reconnect.keepalive_interval</c>: how long the connection may be quiet before an HTTP/2 PING is sent. Default 30 seconds.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary><c>reconnect.keepalive_timeout</c>: how long a PING may go unanswered before the connection is dropped. Default 10 seconds.</summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// <c>reconnect.silence_timeout</c>: how long the stream may carry nothing from the platform
    /// (no ping, ack or update) before the agent drops it and reconnects. Default 2 minutes.
    /// </summary>
    public TimeSpan SilenceTimeout { get; set; } = TimeSpan.FromMinutes(2);
}
