using System.Formats.Asn1;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SentinelSync.AgentGateway.Internal;

/// <summary>Checks agents' client certificates against the platform CA alone, and reads the agent id from them.</summary>
internal static class AgentCertificate
{
    private const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";
    private const string EnhancedKeyUsage = "2.5.29.37";

    /// <summary>
    /// Whether <paramref name="certificate"/> chains to <paramref name="ca"/> (and to no system root), is valid at
    /// <paramref name="now"/>, and allows client authentication.
    /// </summary>
    /// <param name="certificate">The presented leaf certificate.</param>
    /// <param name="presented">The chain the TLS stack built, whose intermediates may help; null when none.</param>
    /// <param name="ca">The platform CA.</param>
    /// <param name="now">The time to check validity at.</param>
    public static bool IsValid(X509Certificate2 certificate, X509Chain? presented, X509Certificate2 ca, DateTimeOffset now)
    {
        using var chain = new X509Chain { ChainPolicy = ChainPolicy(ca, now) };
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
            {
                if (!element.Certificate.RawDataMemory.Span.SequenceEqual(certificate.RawDataMemory.Span))
                {
                    chain.ChainPolicy.ExtraStore.Add(element.Certificate);
                }
            }
        }

        return IsAcceptable(certificate, chain.Build(certificate) ? SslPolicyErrors.None : SslPolicyErrors.RemoteCertificateChainErrors);
    }

    /// <summary>
    /// The chain policy of an agent certificate: the platform CA as the only root, valid at <paramref name="now"/>,
    /// client authentication allowed. The TLS handshake builds the presented chain with it (see
    /// <see cref="IsAcceptable"/>), so the chain is built once per handshake.
    /// </summary>
    public static X509ChainPolicy ChainPolicy(X509Certificate2 ca, DateTimeOffset now)
    {
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
            VerificationTime = now.UtcDateTime,
            VerificationTimeIgnored = false,
        };
        policy.CustomTrustStore.Add(ca);
        policy.ApplicationPolicy.Add(new Oid(ClientAuthentication));
        return policy;
    }

    /// <summary>
    /// Whether a certificate whose chain was built with <see cref="ChainPolicy"/> (with <paramref name="errors"/> as
    /// the outcome) is an agent's: the chain holds (CustomRootTrust refuses every root but the platform CA), and the
    /// certificate names client authentication explicitly.
    /// </summary>
    public static bool IsAcceptable(X509Certificate2 certificate, SslPolicyErrors errors) =>
        errors == SslPolicyErrors.None && AllowsClientAuthentication(certificate);

    /// <summary>The agent id: the certificate's subject common name; empty when it has none.</summary>
    public static string AgentIdOf(X509Certificate2 certificate) => certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false) ?? string.Empty;

    /// <summary>
    /// Whether the certificate has an extended key usage extension that names client authentication. Read from the
    /// DER, not through <see cref="X509Certificate2.Extensions"/>: that collection stays cached in the certificate
    /// object, which the connection keeps for its life (about 1.2 KiB of extension objects per connected agent).
    /// </summary>
    private static bool AllowsClientAuthentication(X509Certificate2 certificate)
    {
        try
        {
            var tbs = new AsnReader(certificate.RawDataMemory, AsnEncodingRules.DER).ReadSequence().ReadSequence();
            var extensionsTag = new Asn1Tag(TagClass.ContextSpecific, 3, isConstructed: true);
            while (tbs.HasData)
            {
                if (!tbs.PeekTag().HasSameClassAndValue(extensionsTag))
                {
                    tbs.ReadEncodedValue();
                    continue;
                }

                var extensions = tbs.ReadSequence(extensionsTag).ReadSequence();
                while (extensions.HasData)
                {
                    var extension = extensions.ReadSequence();
                    if (extension.ReadObjectIdentifier() != EnhancedKeyUsage)
                    {
                        continue;
                    }

                    if (extension.PeekTag().HasSameClassAndValue(Asn1Tag.Boolean))
                    {
                        extension.ReadBoolean();
                    }

                    var usages = new AsnReader(extension.ReadOctetString(), AsnEncodingRules.DER).ReadSequence();
                    while (usages.HasData)
                    {
                        if (usages.ReadObjectIdentifier() == ClientAuthentication)
                        {
                            return true;
                        }
                    }
                }
            }
        }
        catch (AsnContentException)
        {
            // Not a DER certificate the TLS stack would have accepted; not an agent's either.
        }

        // Agent certificates are issued with an explicit clientAuth usage; a certificate without one is not an agent's.
        return false;
    }
}
