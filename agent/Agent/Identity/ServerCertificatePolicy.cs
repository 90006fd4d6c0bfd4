using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace SentinelSync.Agent.Identity;

/// <summary>
/// Decides whether the platform's TLS certificate is trusted: because it chains to the platform CA
/// (during enrollment the one whose fingerprint came with the token, afterwards the one stored at
/// enrollment). The machine's trust store is never consulted.
/// </summary>
/// <remarks>
/// <para>Thread-safe; <see cref="LastRejection"/> keeps the reason of the last refusal for the error message.</para>
/// <para>The last certificate that chained to the CA is remembered (its bytes and validity) for the life of the
/// policy: a platform that restarts presents the same certificate again, and the agent accepts it without building
/// the chain a second time (the TLS stack still builds its own). A different certificate, or the remembered one
/// outside its validity period, is verified in full.</para>
/// </remarks>
internal sealed class ServerCertificatePolicy
{
    private readonly X509Certificate2? _trustedCa;
    private volatile Accepted? _accepted;
    private int _chainVerifications;

    private ServerCertificatePolicy(X509Certificate2? trustedCa) => _trustedCa = trustedCa;

    /// <summary>Why the last certificate was refused; null while none was.</summary>
    public string? LastRejection { get; private set; }

    /// <summary>How many times a chain to the CA was built (a certificate seen for the first time, or again after its validity).</summary>
    internal int ChainVerifications => _chainVerifications;

    /// <summary>
    /// Accepts any server certificate: only for fetching public data whose integrity is checked otherwise (the
    /// platform CA, against the pinned fingerprint). Never send anything secret over such a connection.
    /// </summary>
    public static ServerCertificatePolicy Unjudged() => new(null);

    /// <summary>Trusts a server whose certificate chains to <paramref name="ca"/>.</summary>
    public static ServerCertificatePolicy TrustOnly(X509Certificate2 ca) => new(ca);

    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (_trustedCa is null)
        {
            return true;
        }

        if (certificate is null)
        {
            return Reject("the server presented no certificate");
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            return Reject($"the server's certificate ({certificate.Subject}) is not issued for the host name the agent connected to");
        }

        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        var now = DateTime.Now;
        if (_accepted is { } accepted && now >= accepted.NotBefore && now <= accepted.NotAfter && leaf.RawDataMemory.Span.SequenceEqual(accepted.RawData))
        {
            LastRejection = null;
            return true;
        }

        Interlocked.Increment(ref _chainVerifications);
        var presented = new X509Certificate2Collection();
        if (chain is not null)
        {
            presented.AddRange(chain.ChainPolicy.ExtraStore);
            foreach (var element in chain.ChainElements)
            {
                presented.Add(element.Certificate);
            }
        }

        if (CaChain.Verify(leaf, _trustedCa, presented) is { } problem)
        {
            return Reject($"the server's certificate ({leaf.Subject}) does not chain to the platform CA {_trustedCa.Subject}: {problem}");
        }

        _accepted = new Accepted(leaf.RawData, leaf.NotBefore, leaf.NotAfter);
        LastRejection = null;
        return true;
    }

    private bool Reject(string reason)
    {
        LastRejection = reason;
        return false;
    }

    /// <summary>A certificate that chained to the CA, and the local times it is valid between.</summary>
    private sealed record Accepted(byte[] RawData, DateTime NotBefore, DateTime NotAfter);
}
