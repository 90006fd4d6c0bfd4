using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SentinelSync.Server.Hosting;

/// <summary>
/// The certificate of https:// endpoints: the configured PEM files, or in single-node mode a self-signed one
/// generated once (ECDSA P-256, two years, SANs localhost, 127.0.0.1, ::1 and the host name) and kept in the data
/// directory, so its fingerprint stays the same across restarts and clients can pin it.
/// </summary>
internal sealed class OperatorCertificate
{
    private static readonly TimeSpan SelfSignedLifetime = TimeSpan.FromDays(730);
    private static readonly TimeSpan RenewBefore = TimeSpan.FromDays(30);

    private readonly Lazy<X509Certificate2> _certificate;

    public OperatorCertificate(TlsOptions options, string selfSignedDirectory, TimeProvider time)
    {
        SelfSigned = string.IsNullOrEmpty(options.CertificatePath);
        Path = SelfSigned ? System.IO.Path.Combine(selfSignedDirectory, "cert.pem") : options.CertificatePath;
        _certificate = new(() => SelfSigned
            ? LoadOrCreate(selfSignedDirectory, time)
            : X509Certificate2.CreateFromPemFile(options.CertificatePath, options.KeyPath));
    }

    /// <summary>True when the certificate is the generated self-signed one.</summary>
    public bool SelfSigned { get; }

    /// <summary>The certificate's PEM file.</summary>
    public string Path { get; }

    /// <summary>The certificate, loaded (or generated) on first use.</summary>
    public X509Certificate2 Certificate => _certificate.Value;

    /// <summary>Whether the certificate has been loaded (so its fingerprint can be printed).</summary>
    public bool IsLoaded => _certificate.IsValueCreated;

    /// <summary>SHA-256 of the certificate's DER, as colon-separated upper-case hex (what <c>openssl x509 -fingerprint -sha256</c> prints).</summary>
    public string Fingerprint => Convert.ToHexString(SHA256.HashData(Certificate.RawData)).Chunk(2).Select(pair => new string(pair)).Aggregate((a, b) => a + ":" + b);

    private static X509Certificate2 LoadOrCreate(string directory, TimeProvider time)
    {
        var certificatePath = System.IO.Path.Combine(directory, "cert.pem");
        var keyPath = System.IO.Path.Combine(directory, "key.pem");
        var now = time.GetUtcNow();
        if (File.Exists(certificatePath) && File.Exists(keyPath))
        {
            var existing = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
            if (existing.NotAfter.ToUniversalTime() - RenewBefore > now.UtcDateTime)
            {
                return existing;
            }

            existing.Dispose();
        }

        Directory.CreateDirectory(directory);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=sentinel self-signed single-node", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddDnsName(Dns.GetHostName());
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var created = request.CreateSelfSigned(now.AddMinutes(-5), now.Add(SelfSignedLifetime));

        // Key first, owner-only, then the certificate: a crash between the two leaves no certificate without its key.
        WriteOwnerOnly(keyPath, key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(certificatePath, created.ExportCertificatePem());
        return X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
    }

    private static void WriteOwnerOnly(string path, string content)
    {
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, OwnerOnlyFile.CreateOptions()))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(content);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
