namespace SentinelSync.Server.Hosting;

/// <summary>The server's own settings (the configuration root).</summary>
internal sealed class ServerOptions
{
    /// <summary>
    /// Comma-separated roles to run: <c>all</c> (single-node mode) or any of <c>gateway</c>,
    /// <c>agent-gateway</c>, <c>asset</c>, <c>backup</c>, <c>command</c>, <c>log</c>, <c>insight</c>.
    /// </summary>
    public string Roles { get; set; } = "all";

    /// <summary>Where the server listens.</summary>
    public ListenOptions Listen { get; set; } = new();

    /// <summary>How the server stops.</summary>
    public ShutdownOptions Shutdown { get; set; } = new();

    /// <summary>The certificate for https:// endpoints.</summary>
    public TlsOptions Tls { get; set; } = new();
}
