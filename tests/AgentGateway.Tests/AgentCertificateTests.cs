using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SentinelSync.AgentGateway.Internal;

namespace SentinelSync.AgentGateway.Tests;

public sealed class AgentCertificateTests
{
    private static readonly TestCertificateAuthority Platform = new("Platform CA");

    [Fact]
    public void IsValid_IssuedByPlatformCaForClientAuth_True()
    {
        using var certificate = Platform.IssueClientCertificate("agent-1");

        Assert.True(AgentCertificate.IsValid(certificate, null, Platform.Certificate, DateTimeOffset.UtcNow));
        Assert.Equal("agent-1", AgentCertificate.AgentIdOf(certificate));
    }

    [Fact]
    public void IsValid_IssuedByAnotherCa_False()
    {
        using var certificate = new TestCertificateAuthority("Other CA").IssueClientCertificate("agent-1");

        Assert.False(AgentCertificate.IsValid(certificate, null, Platform.Certificate, DateTimeOffset.UtcNow));
    }

    [Fact]
    public void IsValid_WithoutClientAuthUsage_False()
    {
        using var certificate = Platform.IssueClientCertificate("agent-1", clientAuthentication: false);

        Assert.False(AgentCertificate.IsValid(certificate, null, Platform.Certificate, DateTimeOffset.UtcNow));
    }

    [Fact]
    public void IsValid_Expired_False()
    {
        using var certificate = Platform.IssueClientCertificate("agent-1");

        Assert.False(AgentCertificate.IsValid(certificate, null, Platform.Certificate, DateTimeOffset.UtcNow.AddDays(30)));
    }

    [Theory]
    [InlineData(new[] { "1.3.6.1.5.5.7.3.2" }, false, true)]
    [InlineData(new[] { "1.3.6.1.5.5.7.3.2" }, true, true)]
    [InlineData(new[] { "1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2" }, false, true)]
    [InlineData(new[] { "1.3.6.1.5.5.7.3.1" }, false, false)]
    [InlineData(new string[0], false, false)]
    public void IsAcceptable_ChainHolds_DecidedByTheExtendedKeyUsage(string[] usages, bool critical, bool expected)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=agent-1", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        if (usages.Length > 0)
        {
            var oids = new OidCollection();
            foreach (var usage in usages)
            {
                oids.Add(new Oid(usage));
            }

            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(oids, critical));
        }

        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1));

        Assert.Equal(expected, AgentCertificate.IsAcceptable(certificate, SslPolicyErrors.None));
        Assert.False(AgentCertificate.IsAcceptable(certificate, SslPolicyErrors.RemoteCertificateChainErrors));
    }
}
