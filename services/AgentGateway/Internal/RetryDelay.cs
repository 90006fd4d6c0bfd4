namespace SentinelSync.AgentGateway.Internal;

/// <summary>Exponential back-off with full jitter for the gateway's own reconnects to Asset.</summary>
internal static class RetryDelay
{
    private static readonly TimeSpan Initial = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(10);

    /// <summary>The delay before retry number <paramref name="attempt"/> (0-based).</summary>
    public static TimeSpan For(int attempt)
    {
        var ceiling = Math.Min(Max.TotalMilliseconds, Initial.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 16)));
        return TimeSpan.FromMilliseconds(Initial.TotalMilliseconds / 2 + Random.Shared.NextDouble() * (ceiling - Initial.TotalMilliseconds / 2));
    }
}
