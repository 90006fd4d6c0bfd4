namespace SentinelSync.Agent.Connection;

/// <summary>How the agent waits between attempts to reach the platform.</summary>
internal sealed class ReconnectOptions
{
    /// <summary>The ceiling of the first retry's wait. Default 1 second.</summary>
    public TimeSpan InitialDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The cap of the wait, however many retries failed. Default 2 minutes.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(2);
}
