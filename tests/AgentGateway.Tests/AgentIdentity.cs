using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SentinelSync.AgentGateway.Tests;

/// <summary>What an enrolled agent holds: its id and client certificate with key.</summary>
internal sealed record AgentIdentity(string AgentId, X509Certificate2 Certificate)
{
    /// <summary>A fresh key and its CSR, as an agent makes them before Enroll.</summary>
    public static (ECDsa Key, string CsrPem) CreateCsr(string hostname)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return (key, new CertificateRequest($"CN={hostname}", key, HashAlgorithmName.SHA256).CreateSigningRequestPem());
    }

    /// <summary>The certificate joined with its key, through PKCS#12 so the TLS stack can use the key on every platform.</summary>
    public static X509Certificate2 Combine(string certificatePem, ECDsa key)
    {
        using var certificate = X509Certificate2.CreateFromPem(certificatePem);
        using var withKey = certificate.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }
}
