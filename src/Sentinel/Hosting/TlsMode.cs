namespace SentinelSync.Server.Hosting;

/// <summary>Whether the operator edge uses TLS (<see cref="TlsOptions.Mode"/>).</summary>
internal enum TlsMode
{
    /// <summary>TLS on https:// endpoints, with the configured or (single-node) a self-signed certificate.</summary>
    Auto,

    /// <summary>The operator edge without TLS (h2c).</summary>
    Off,
}
