namespace SentinelSync.Server.Hosting;

/// <summary>The server certificate for https:// endpoints, as PEM files.</summary>
internal sealed class TlsOptions
{
    /// <summary>The certificate chain, PEM.</summary>
    public string CertificatePath { get; set; } = string.Empty;

    /// <summary>The private key, PEM.</summary>
    public string KeyPath { get; set; } = string.Empty;
}
