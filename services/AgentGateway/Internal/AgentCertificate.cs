using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SentinelSync.AgentGateway.Internal;

/// <summary>Checks agents' client certificates against the platform CA alone, and reads the agent id from them.</summary>
internal static class AgentCertificate
{
    private const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";

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

    private static bool AllowsClientAuthentication(X509Certificate2 certificate)
    {
        foreach (var extension in certificate.Extensions)
        {
            if (extension is X509EnhancedKeyUsageExtension usage)
            {
                foreach (var oid in usage.EnhancedKeyUsages)
                {
                    if (oid.Value == ClientAuthentication)
                    {
                        return true;
                    }
                }
            }
        }

        // Agent certificates are issued with an explicit clientAuth usage; a certificate without one is not an agent's.
        return false;
    }
}
