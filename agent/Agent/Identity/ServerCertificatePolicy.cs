using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace SentinelSync.Agent.Identity;

/// <summary>
/// Decides whether the platform's TLS certificate is trusted: during enrollment because its chain
/// ends in the CA whose fingerprint came with the token, afterwards because it chains to the
/// platform CA stored at enrollment. The machine's trust store is never consulted.
/// </summary>
/// <remarks>Thread-safe; <see cref="LastRejection"/> keeps the reason of the last refusal for the error message.</remarks>
internal sealed class ServerCertificatePolicy
{
    private readonly string? _pinnedFingerprint;
    private readonly X509Certificate2? _trustedCa;

    private ServerCertificatePolicy(string? pinnedFingerprint, X509Certificate2? trustedCa)
    {
        _pinnedFingerprint = pinnedFingerprint;
        _trustedCa = trustedCa;
    }

    /// <summary>Why the last certificate was refused; null while none was.</summary>
    public string? LastRejection { get; private set; }

    /// <summary>Trusts a server whose presented chain holds the CA with <paramref name="fingerprint"/> and verifies up to it.</summary>
    public static ServerCertificatePolicy Pinned(string fingerprint) => new(fingerprint, null);

    /// <summary>Trusts a server whose certificate chains to <paramref name="ca"/>.</summary>
    public static ServerCertificatePolicy TrustOnly(X509Certificate2 ca) => new(null, ca);

    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null)
        {
            return Reject("the server presented no certificate");
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            return Reject($"the server's certificate ({certificate.Subject}) is not issued for the host name the agent connected to");
        }

        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        var presented = new X509Certificate2Collection();
        if (chain is not null)
        {
            presented.AddRange(chain.ChainPolicy.ExtraStore);
            foreach (var element in chain.ChainElements)
            {
                presented.Add(element.Certificate);
            }
        }

        var anchor = _trustedCa;
        if (_pinnedFingerprint is not null)
        {
            anchor = presented.FirstOrDefault(c => CaFingerprint.Of(c) == _pinnedFingerprint);
            if (anchor is null)
            {
                var seen = string.Join("; ", presented.Select(c => $"{c.Subject} sha256={CaFingerprint.Of(c)}").Distinct());
                return Reject($"no certificate in the server's chain has the pinned CA fingerprint {_pinnedFingerprint} (presented: {seen})");
            }
        }

        if (CaChain.Verify(leaf, anchor!, presented) is { } problem)
        {
            return Reject($"the server's certificate ({leaf.Subject}) does not chain to the platform CA {anchor!.Subject}: {problem}");
        }

        LastRejection = null;
        return true;
    }

    private bool Reject(string reason)
    {
        LastRejection = reason;
        return false;
    }
}
