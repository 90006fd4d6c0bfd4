using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SentinelSync.Agent.Identity;

namespace SentinelSync.Agent.Tests.Gateway;

/// <summary>
/// A throw-away platform CA with a server certificate for 127.0.0.1/localhost and client certificates it signs.
/// </summary>
/// <remarks>
/// The CA is self-signed, like the platform's: a .NET TLS server never sends it in its chain, so
/// the agent learns it from GetTrustBundle and checks it against the pinned fingerprint.
/// </remarks>
internal sealed class TestPki : IDisposable
{
    private readonly ECDsa _caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public TestPki(string caName = "Test Platform CA")
    {
        var request = new CertificateRequest($"CN={caName}", _caKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        Ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        Server = Issue("CN=sentinel-test-server", server: true);
    }

    public X509Certificate2 Ca { get; }

    public string CaFingerprint => Identity.CaFingerprint.Of(Ca);

    /// <summary>The server certificate with its key, for Kestrel.</summary>
    public X509Certificate2 Server { get; }

    public string CaPem => Ca.ExportCertificatePem();

    /// <summary>Signs a client certificate for <paramref name="csrPem"/>, the way the platform answers Enroll.</summary>
    public string SignCsr(string csrPem, string agentId)
    {
        var csr = CertificateRequest.LoadSigningRequestPem(csrPem, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.UnsafeLoadCertificateExtensions);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={agentId}"), csr.PublicKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var issued = request.Create(Ca, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1), RandomNumberGenerator.GetBytes(16));
        return issued.ExportCertificatePem();
    }

    /// <summary>Writes an identity for <paramref name="agentId"/> into a state directory, as enroll would.</summary>
    public void WriteIdentity(string stateDirectory, string agentId)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = new CertificateRequest($"CN={agentId}", key, HashAlgorithmName.SHA256).CreateSigningRequestPem();
        AgentIdentity.Save(stateDirectory, agentId, key.ExportPkcs8PrivateKeyPem(), SignCsr(csr, agentId), CaPem);
    }

    public void Dispose()
    {
        Server.Dispose();
        Ca.Dispose();
        _caKey.Dispose();
    }

    /// <summary>A server certificate for 127.0.0.1/localhost valid between the given times.</summary>
    public X509Certificate2 IssueServerCertificate(DateTimeOffset notBefore, DateTimeOffset notAfter) => Issue("CN=sentinel-test-server", server: true, notBefore, notAfter);

    private X509Certificate2 Issue(string subject, bool server, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(server ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], false));
        using var issued = request.Create(Ca, notBefore ?? DateTimeOffset.UtcNow.AddMinutes(-5), notAfter ?? DateTimeOffset.UtcNow.AddDays(1), RandomNumberGenerator.GetBytes(16));
        using var withKey = issued.CopyWithPrivateKey(key);

        // Through PKCS#12 so that SslStream on Linux gets a key it can use for the handshake.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }
}
