using System.Security.Cryptography.X509Certificates;

namespace SentinelSync.Agent.Identity;

/// <summary>Verifies that a certificate chains to one given CA, and to nothing else.</summary>
internal static class CaChain
{
    // A CA that is itself issued by an offline root is a trust anchor here: the chain may stop at it.
    private const X509ChainStatusFlags Tolerated = X509ChainStatusFlags.PartialChain | X509ChainStatusFlags.UntrustedRoot;

    /// <summary>Null when <paramref name="certificate"/> is signed (through <paramref name="intermediates"/>) by <paramref name="ca"/> and valid now; else why not.</summary>
    public static string? Verify(X509Certificate2 certificate, X509Certificate2 ca, IEnumerable<X509Certificate2>? intermediates = null)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        foreach (var intermediate in intermediates ?? [])
        {
            chain.ChainPolicy.ExtraStore.Add(intermediate);
        }

        if (chain.Build(certificate))
        {
            return null;
        }

        var reachesCa = chain.ChainElements.Skip(1).Any(element => element.Certificate.RawDataMemory.Span.SequenceEqual(ca.RawDataMemory.Span))
            || certificate.RawDataMemory.Span.SequenceEqual(ca.RawDataMemory.Span);
        var problems = chain.ChainElements.Aggregate(X509ChainStatusFlags.NoError, (flags, element) => flags | element.ChainElementStatus.Aggregate(X509ChainStatusFlags.NoError, (f, s) => f | s.Status))
            | chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (f, s) => f | s.Status);
        if (reachesCa && (problems & ~Tolerated) == X509ChainStatusFlags.NoError)
        {
            return null;
        }

        return $"{string.Join(", ", chain.ChainStatus.Select(s => s.Status))}{(reachesCa ? string.Empty : $" (the chain does not reach {ca.Subject})")}";
    }
}
