using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;

namespace SentinelSync.Asset.Certificates;

/// <summary>
/// The platform CA once it is loaded: signs agent client certificates from their CSRs and issues server
/// certificates for the agent endpoint.
/// </summary>
/// <remarks>Thread-safe. <see cref="CertificateAuthorityLoader"/> loads it at start-up, before any call is served.</remarks>
internal sealed class PlatformCertificateAuthority : IDisposable
{
    private static readonly TimeSpan ClientCertificateLifetime = TimeSpan.FromDays(365);
    private static readonly TimeSpan ServerCertificateLifetime = TimeSpan.FromDays(90);
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, ServerCertificate> _serverCertificates = new(StringComparer.Ordinal);
    private X509Certificate2? _certificate;
    private ECDsa? _key;

    public PlatformCertificateAuthority(TimeProvider time)
    {
        _time = time;
    }

    /// <summary>The CA certificate (public part only).</summary>
    public X509Certificate2 Certificate => _certificate ?? throw new InvalidOperationException("The platform CA is not loaded yet.");

    /// <summary>The CA certificate, PEM.</summary>
    public string CertificatePem => Certificate.ExportCertificatePem();

    /// <summary>SHA-256 of the CA certificate's DER, lowercase hex: what agents pin.</summary>
    public string Fingerprint => Convert.ToHexStringLower(SHA256.HashData(Certificate.RawData));

    private ECDsa Key => _key ?? throw new InvalidOperationException("The platform CA is not loaded yet.");

    /// <summary>The digest that matches the CA key's size: SHA-256 for P-256, SHA-384 for a P-384 CA of an earlier version.</summary>
    private HashAlgorithmName SigningHash => Key.KeySize > 256 ? HashAlgorithmName.SHA384 : HashAlgorithmName.SHA256;

    /// <summary>Installs the loaded (or newly made) CA. Called once by the loader.</summary>
    public void Load(X509Certificate2 certificate, ECDsa key)
    {
        _certificate = certificate;
        _key = key;
    }

    /// <summary>
    /// Makes a new self-signed CA: ECDSA P-256, 10 years. P-256 like the agents' and the endpoint's own keys: a chain
    /// is as strong as its weakest key, and every agent handshake verifies a signature of this key on both sides,
    /// which OpenSSL does 11 times faster on P-256 than on P-384 (0.045 against 0.5 ms here). A CA made with P-384
    /// by an earlier version keeps working and signs with SHA-384.
    /// </summary>
    public static (X509Certificate2 Certificate, ECDsa Key) CreateAuthority(DateTimeOffset now)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=SentinelSync Platform CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        var subjectKeyIdentifier = new X509SubjectKeyIdentifierExtension(request.PublicKey, false);
        request.CertificateExtensions.Add(subjectKeyIdentifier);
        using var selfSigned = request.CreateSelfSigned(now - ClockSkew, now.AddYears(10));
        return (X509CertificateLoader.LoadCertificate(selfSigned.RawData), key);
    }

    /// <summary>
    /// Parses and checks a PKCS#10 CSR (PEM): its signature must verify and its key must be EC P-256/P-384 or
    /// RSA of at least 2048 bits. Requested extensions and the requested subject are ignored.
    /// </summary>
    /// <exception cref="RpcException">INVALID_ARGUMENT saying what is wrong with the CSR.</exception>
    public static PublicKey ReadSigningRequest(string csrPem)
    {
        if (string.IsNullOrWhiteSpace(csrPem))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "csr_pem is required: a PKCS#10 certificate signing request in PEM."));
        }

        if (csrPem.Length > 64 * 1024)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "csr_pem is larger than 64 KiB."));
        }

        CertificateRequest request;
        try
        {
            // Default options verify the CSR's self-signature and do not load its requested extensions.
            request = CertificateRequest.LoadSigningRequestPem(csrPem, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.Default, RSASignaturePadding.Pkcs1);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"csr_pem is not a valid, correctly signed PKCS#10 certificate signing request: {ex.Message}"));
        }

        var publicKey = request.PublicKey;
        switch (publicKey.Oid.Value)
        {
            case "1.2.840.10045.2.1":
                using (var ec = publicKey.GetECDsaPublicKey())
                {
                    var curve = ec?.ExportParameters(false).Curve.Oid;
                    if (curve?.Value is not ("1.2.840.10045.3.1.7" or "1.3.132.0.34"))
                    {
                        throw new RpcException(new Status(StatusCode.InvalidArgument, $"csr_pem: EC keys must be on P-256 or P-384; got {curve?.FriendlyName ?? curve?.Value ?? "an unknown curve"}."));
                    }
                }

                break;
            case "1.2.840.113549.1.1.1":
                using (var rsa = publicKey.GetRSAPublicKey())
                {
                    if (rsa is null || rsa.KeySize < 2048)
                    {
                        throw new RpcException(new Status(StatusCode.InvalidArgument, $"csr_pem: RSA keys must have at least 2048 bits; got {rsa?.KeySize ?? 0}."));
                    }
                }

                break;
            default:
                throw new RpcException(new Status(StatusCode.InvalidArgument, $"csr_pem: only EC (P-256, P-384) and RSA (2048 bits or more) keys are accepted; got key algorithm {publicKey.Oid.Value}."));
        }

        return publicKey;
    }

    /// <summary>
    /// Issues an agent's client certificate: subject <c>CN=&lt;agent id&gt;</c>, SAN URI
    /// <c>urn:sentinel:agent:&lt;agent id&gt;</c>, clientAuth, one year (never beyond the CA).
    /// </summary>
    public X509Certificate2 IssueAgentCertificate(string agentId, PublicKey publicKey)
    {
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName(agentId);
        var request = new CertificateRequest(subject.Build(), publicKey, SigningHash);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddUri(new Uri(AgentUri(agentId)));
        request.CertificateExtensions.Add(names.Build());
        return Sign(request, ClientCertificateLifetime);
    }

    /// <summary>The SAN URI that names an agent in its certificate.</summary>
    public static string AgentUri(string agentId) => "urn:sentinel:agent:" + agentId;

    /// <summary>
    /// A server certificate (with its key) for the agent endpoint covering <paramref name="serverNames"/> (DNS
    /// names or IP addresses), reused while more than half of its lifetime is left.
    /// </summary>
    public ServerCertificate GetServerCertificate(IReadOnlyCollection<string> serverNames)
    {
        var names = serverNames.Select(name => name.Trim()).Where(name => name.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase).ToArray();
        if (names.Length == 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "server_names is required: the DNS names and IP addresses the agent endpoint's certificate must cover."));
        }

        foreach (var name in names)
        {
            if (!IPAddress.TryParse(name, out _) && Uri.CheckHostName(name) != UriHostNameType.Dns)
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, $"server_names: '{name}' is neither a DNS name nor an IP address."));
            }
        }

        var cacheKey = string.Join(',', names).ToLowerInvariant();
        var now = _time.GetUtcNow();
        if (_serverCertificates.TryGetValue(cacheKey, out var cached) && cached.RenewAfter > now)
        {
            return cached;
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + names[0].Replace(",", string.Empty, StringComparison.Ordinal), key, SigningHash);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var alternativeNames = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
        {
            if (IPAddress.TryParse(name, out var address))
            {
                alternativeNames.AddIpAddress(address);
            }
            else
            {
                alternativeNames.AddDnsName(name);
            }
        }

        request.CertificateExtensions.Add(alternativeNames.Build());
        using var certificate = Sign(request, ServerCertificateLifetime);
        var issued = new ServerCertificate(
            certificate.ExportCertificatePem(),
            key.ExportPkcs8PrivateKeyPem(),
            now + ServerCertificateLifetime / 2);
        _serverCertificates[cacheKey] = issued;
        return issued;
    }

    private X509Certificate2 Sign(CertificateRequest request, TimeSpan lifetime)
    {
        var authority = Certificate;
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, true, false));
        var now = _time.GetUtcNow();
        var notAfter = now + lifetime;
        if (notAfter > authority.NotAfter)
        {
            notAfter = authority.NotAfter;
        }

        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        var generator = X509SignatureGenerator.CreateForECDsa(Key);
        return request.Create(authority.SubjectName, generator, now - ClockSkew, notAfter, serial);
    }

    public void Dispose() => _key?.Dispose();
}
