namespace SentinelSync.Server.Hosting;

/// <summary>How the server stops on SIGTERM.</summary>
internal sealed class ShutdownOptions
{
    /// <summary>How long in-flight calls may run on after SIGTERM before they are cut; 0 to 10 minutes.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
