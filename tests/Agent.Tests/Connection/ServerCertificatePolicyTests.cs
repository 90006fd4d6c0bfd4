using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using SentinelSync.Agent.Identity;
using SentinelSync.Agent.Tests.Gateway;

namespace SentinelSync.Agent.Tests.Connection;

public sealed class ServerCertificatePolicyTests
{
    [Fact]
    public void Validate_SameCertificateAgain_AcceptedWithoutBuildingTheChainAgain()
    {
        using var pki = new TestPki();
        var policy = ServerCertificatePolicy.TrustOnly(pki.Ca);

        Assert.True(policy.Validate(this, pki.Server, null, SslPolicyErrors.None));
        Assert.True(policy.Validate(this, pki.Server, null, SslPolicyErrors.None));

        Assert.Equal(1, policy.ChainVerifications);
    }

    [Fact]
    public void Validate_AnotherCaAfterAnAcceptedOne_VerifiedAndRefused()
    {
        using var pki = new TestPki();
        using var stranger = new TestPki("Stranger CA");
        var policy = ServerCertificatePolicy.TrustOnly(pki.Ca);
        Assert.True(policy.Validate(this, pki.Server, null, SslPolicyErrors.None));

        Assert.False(policy.Validate(this, stranger.Server, null, SslPolicyErrors.None));

        Assert.Equal(2, policy.ChainVerifications);
        Assert.NotNull(policy.LastRejection);
    }

    [Fact]
    public void Validate_RememberedCertificateWithNameMismatch_Refused()
    {
        using var pki = new TestPki();
        var policy = ServerCertificatePolicy.TrustOnly(pki.Ca);
        Assert.True(policy.Validate(this, pki.Server, null, SslPolicyErrors.None));

        Assert.False(policy.Validate(this, pki.Server, null, SslPolicyErrors.RemoteCertificateNameMismatch));
    }

    [Fact]
    public void Validate_ExpiredCertificateTwice_RefusedBothTimes()
    {
        using var pki = new TestPki();
        using var expired = X509CertificateLoader.LoadCertificate(pki.IssueServerCertificate(DateTimeOffset.UtcNow.AddHours(-20), DateTimeOffset.UtcNow.AddHours(-1)).RawData);
        var policy = ServerCertificatePolicy.TrustOnly(pki.Ca);

        Assert.False(policy.Validate(this, expired, null, SslPolicyErrors.None));
        Assert.False(policy.Validate(this, expired, null, SslPolicyErrors.None));
        Assert.Equal(2, policy.ChainVerifications);
    }
}
