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
        if (!AllowsClientAuthentication(certificate))
        {
            return false;
        }

        using var chain = new X509Chain();
        var policy = chain.ChainPolicy;
        policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        policy.CustomTrustStore.Add(ca);
        policy.RevocationMode = X509RevocationMode.NoCheck;
        policy.VerificationTime = now.UtcDateTime;
        policy.VerificationTimeIgnored = false;
        policy.ApplicationPolicy.Add(new Oid(ClientAuthentication));
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
            {
                if (!element.Certificate.RawDataMemory.Span.SequenceEqual(certificate.RawDataMemory.Span))
                {
                    policy.ExtraStore.Add(element.Certificate);
                }
            }
        }

        if (!chain.Build(certificate))
        {
            return false;
        }

        // CustomRootTrust already refuses other roots; this says so where a reader looks for it.
        var root = chain.ChainElements[^1].Certificate;
        return root.RawDataMemory.Span.SequenceEqual(ca.RawDataMemory.Span);
    }

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
