using SentinelSync.Agent.Identity;
using SentinelSync.Agent.Tests.Gateway;
using SentinelSync.Agent.Tests.Support;

namespace SentinelSync.Agent.Tests.Connection;

public sealed class ClientCertificateContextTests
{
    [Fact]
    public void ClientCertificateContext_MadeOnceFromTheClientCertificate_WithNoIntermediates()
    {
        using var pki = new TestPki();
        using var state = new TempDirectory();
        pki.WriteIdentity(state.Path, "agent-0001");
        var identity = AgentIdentity.Load(state.Path)!;

        var context = identity.ClientCertificateContext;

        // The same context on every reconnect: its chain is built once, not per handshake.
        Assert.Same(context, identity.ClientCertificateContext);
        Assert.Equal(identity.ClientCertificate.Thumbprint, context.TargetCertificate.Thumbprint);
        Assert.True(context.TargetCertificate.HasPrivateKey);
        Assert.Empty(context.IntermediateCertificates);
    }
}
