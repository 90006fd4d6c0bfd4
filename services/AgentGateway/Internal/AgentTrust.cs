using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace SentinelSync.AgentGateway.Internal;

/// <summary>
/// The agent endpoint's trust material: the platform CA and the server certificate it signed, as fetched from
/// Asset. Until it is loaded the endpoint refuses TLS handshakes and the process is not ready.
/// </summary>
/// <remarks>Thread-safe: the material is replaced as a whole and read without locks.</remarks>
internal sealed class AgentTrust
{
    private readonly TimeProvider _timeProvider;
    private readonly TaskCompletionSource _firstLoad = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile Material? _material;

    public AgentTrust(TimeProvider timeProvider) => _timeProvider = timeProvider;

    /// <summary>Whether trust material was loaded.</summary>
    public bool IsLoaded => _material is not null;

    /// <summary>The platform CA, or null before loading.</summary>
    public X509Certificate2? Ca => _material?.Ca;

    /// <summary>Loads new material from PEM text; the next handshakes use it.</summary>
    /// <exception cref="System.Security.Cryptography.CryptographicException">The PEM text is not a certificate and matching key.</exception>
    public void Load(string caCertificatePem, string serverCertificatePem, string serverPrivateKeyPem)
    {
        var ca = X509Certificate2.CreateFromPem(caCertificatePem);
        var server = X509Certificate2.CreateFromPem(serverCertificatePem, serverPrivateKeyPem);
        // One certificate context for every connection: the chain is built once, and the platform CA is sent
        // as the acceptable issuer so that clients pick their agent certificate.
        var context = SslStreamCertificateContext.Create(
            server,
            [ca],
            offline: true,
            trust: SslCertificateTrust.CreateForX509Collection([ca], sendTrustInHandshake: true));
        _material = new Material(ca, context);
        _firstLoad.TrySetResult();
    }

    /// <summary>
    /// The TLS options of one agent connection; a handshake that arrives before the material was loaded (a restarted
    /// server whose agents reconnect before Asset answered) waits for it instead of failing.
    /// </summary>
    /// <exception cref="AuthenticationException">No trust material within <paramref name="wait"/>: the handshake fails and the agent retries.</exception>
    public async ValueTask<SslServerAuthenticationOptions> CreateServerOptionsAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        if (_material is null)
        {
            try
            {
                await _firstLoad.Task.WaitAsync(wait, _timeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // CreateServerOptions says why.
            }
        }

        return CreateServerOptions();
    }

    /// <summary>The TLS options of one agent connection.</summary>
    /// <exception cref="AuthenticationException">No trust material yet: the handshake fails and the agent retries.</exception>
    public SslServerAuthenticationOptions CreateServerOptions()
    {
        var material = _material ?? throw new AuthenticationException("The agent endpoint has no certificate yet: the Asset service has not answered GetAgentTrust.");
        return new SslServerAuthenticationOptions
        {
            ServerCertificateContext = material.Context,
            ApplicationProtocols = [SslApplicationProtocol.Http2],
            // Requested, not required: Enroll comes without a certificate; Connect refuses a call without one.
            ClientCertificateRequired = true,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            // The handshake builds the client's chain with the agent policy itself; the callback only reads the outcome.
            CertificateChainPolicy = AgentCertificate.ChainPolicy(material.Ca, _timeProvider.GetUtcNow()),
            RemoteCertificateValidationCallback = (_, certificate, _, errors) => certificate is null
                || AgentCertificate.IsAcceptable(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()), errors),
        };
    }

    private sealed record Material(X509Certificate2 Ca, SslStreamCertificateContext Context);
}
