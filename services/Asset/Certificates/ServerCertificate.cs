namespace SentinelSync.Asset.Certificates;

/// <summary>A server certificate for the agent endpoint, with its private key.</summary>
/// <param name="CertificatePem">The certificate, PEM.</param>
/// <param name="PrivateKeyPem">Its key, PKCS#8 PEM.</param>
/// <param name="RenewAfter">When a new one is issued instead of this one.</param>
internal sealed record ServerCertificate(string CertificatePem, string PrivateKeyPem, DateTimeOffset RenewAfter);
