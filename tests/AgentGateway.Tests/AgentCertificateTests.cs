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
}
