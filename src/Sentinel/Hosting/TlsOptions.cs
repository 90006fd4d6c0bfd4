namespace SentinelSync.Server.Hosting;

/// <summary>The server certificate for https:// endpoints (section <c>Tls</c>).</summary>
internal sealed class TlsOptions
{
    /// <summary>The certificate chain, PEM.</summary>
    public string CertificatePath { get; set; } = string.Empty;

    /// <summary>The private key, PEM.</summary>
    public string KeyPath { get; set; } = string.Empty;

    /// <summary>
    /// <c>Auto</c> (default): https:// endpoints use <see cref="CertificatePath"/>/<see cref="KeyPath"/>, or in
    /// single-node mode (<c>Roles=all</c>) a self-signed certificate generated once into
    /// <see cref="SelfSignedDirectory"/> whose SHA-256 fingerprint is printed at start. <c>Off</c>: the operator edge
    /// is served without TLS (HTTP/2 cleartext) whatever the scheme of <c>Listen:Operator</c>; for tests and benchmarks.
    /// </summary>
    public TlsMode Mode { get; set; } = TlsMode.Auto;

    /// <summary>
    /// Where the self-signed certificate is kept (<c>cert.pem</c>, <c>key.pem</c>). Empty means <c>$SENTINEL_DATA/tls</c>,
    /// or <c>.data/tls</c> under the content root when <c>SENTINEL_DATA</c> is not set.
    /// </summary>
    public string SelfSignedDirectory { get; set; } = string.Empty;
}
