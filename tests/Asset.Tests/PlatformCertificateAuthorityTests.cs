using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SentinelSync.Asset.Certificates;

namespace SentinelSync.Asset.Tests;

public sealed class PlatformCertificateAuthorityTests
{
    private const string EcdsaWithSha256 = "1.2.840.10045.4.3.2";
    private const string EcdsaWithSha384 = "1.2.840.10045.4.3.3";

    [Fact]
    public void CreateAuthority_NewCa_P256SigningAgentCertificatesWithSha256()
    {
        var (certificate, key) = PlatformCertificateAuthority.CreateAuthority(DateTimeOffset.UtcNow);
        using (certificate)
        using (key)
        {
            Assert.Equal(256, key.KeySize);
            Assert.Equal(EcdsaWithSha256, certificate.SignatureAlgorithm.Value);
            AssertIssuesChainingAgentCertificate(certificate, key, EcdsaWithSha256);
        }
    }

    [Fact]
    public void IssueAgentCertificate_P384CaOfAnEarlierVersion_SignsWithSha384()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var request = new CertificateRequest("CN=SentinelSync Platform CA", key, HashAlgorithmName.SHA384);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddYears(10));

        AssertIssuesChainingAgentCertificate(X509CertificateLoader.LoadCertificate(certificate.RawData), key, EcdsaWithSha384);
    }

    private static void AssertIssuesChainingAgentCertificate(X509Certificate2 caCertificate, ECDsa caKey, string signatureAlgorithm)
    {
        using var authority = new PlatformCertificateAuthority(TimeProvider.System);
        authority.Load(caCertificate, caKey);
        using var agentKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var publicKey = new CertificateRequest("CN=ignored", agentKey, HashAlgorithmName.SHA256).PublicKey;

        using var agent = authority.IssueAgentCertificate("agent-1", publicKey);

        Assert.Equal(signatureAlgorithm, agent.SignatureAlgorithm.Value);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(caCertificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        Assert.True(chain.Build(agent), string.Join("; ", chain.ChainStatus.Select(status => status.StatusInformation)));
    }
}
