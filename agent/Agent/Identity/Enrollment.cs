using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using SentinelSync.Agent.Commands;
using SentinelSync.Agent.Connection;
using SentinelSync.Contracts.Agent.V1;
using SentinelSync.Contracts.Asset.V1;

namespace SentinelSync.Agent.Identity;

/// <summary>
/// Trades an enrollment token for an identity: (1) a new ECDSA P-256 key and a CSR; (2) the
/// platform CA, fetched and checked against the fingerprint that came with the token; (3) Enroll
/// over TLS verified against that CA in the handshake, before the token leaves the host; (4) checks
/// of the answer; (5) the identity written to the state directory.
/// </summary>
internal static class Enrollment
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    /// <returns>The agent id.</returns>
    /// <exception cref="EnrollmentException">Enrollment failed; the message says why and what to do.</exception>
    public static async Task<string> EnrollAsync(
        Uri server, string token, string caFingerprint, string stateDirectory, string hostname, bool force, ReconnectOptions reconnect, CancellationToken cancellationToken)
    {
        if (AgentIdentity.Exists(stateDirectory) && !force)
        {
            var existing = File.ReadAllText(Path.Combine(AgentIdentity.DirectoryOf(stateDirectory), AgentIdentity.AgentIdFile)).Trim();
            throw new EnrollmentException(ExitCodes.AlreadyEnrolled, $"this agent is already enrolled as {existing} (in {AgentIdentity.DirectoryOf(stateDirectory)}); pass --force to replace that identity");
        }

        if (server.Scheme != Uri.UriSchemeHttps)
        {
            throw new EnrollmentException(ExitCodes.Usage, $"--server: '{server}' must be an https URL: the token is only sent over TLS to the pinned CA");
        }

        // 1. Key and CSR.
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={hostname}"), key, HashAlgorithmName.SHA256);
        var csrPem = request.CreateSigningRequestPem();

        // 2. The platform CA, fetched without credentials and checked against the pinned fingerprint.
        var ca = await FetchPinnedCaAsync(server, caFingerprint, reconnect, cancellationToken).ConfigureAwait(false);

        // 3. Enroll over TLS verified against that CA: the token leaves the host only once the server proved it holds a certificate the CA signed.
        var policy = ServerCertificatePolicy.TrustOnly(ca);
        EnrollResponse response;
        using (var channel = PlatformChannel.Create(server, policy, clientCertificate: null, reconnect))
        {
            var client = new AssetService.AssetServiceClient(channel);
            try
            {
                response = await client.EnrollAsync(
                    new EnrollRequest { Token = token, CsrPem = csrPem, Hostname = hostname },
                    deadline: DateTime.UtcNow + CallTimeout,
                    cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (RpcException ex) when (policy.LastRejection is { } rejection)
            {
                throw new EnrollmentException(ExitCodes.UntrustedServer, $"refused to enroll with {server}: {rejection}; the token was not sent", ex);
            }
            catch (RpcException ex) when (ex.StatusCode is StatusCode.PermissionDenied or StatusCode.Unauthenticated or StatusCode.InvalidArgument or StatusCode.FailedPrecondition or StatusCode.NotFound)
            {
                throw new EnrollmentException(ExitCodes.Refused, $"the platform refused the enrollment ({ex.StatusCode}): {ex.Status.Detail}", ex);
            }
            catch (RpcException ex)
            {
                throw new EnrollmentException(ExitCodes.Unreachable, $"enrollment with {server} failed ({ex.StatusCode}): {ex.Status.Detail}", ex);
            }
        }

        // 4. The answer must be what was asked for: the pinned CA, and a certificate for this key signed by it.
        X509Certificate2 answeredCa;
        X509Certificate2 certificate;
        try
        {
            answeredCa = X509Certificate2.CreateFromPem(response.CaCertificatePem);
            certificate = X509Certificate2.CreateFromPem(response.CertificatePem).CopyWithPrivateKey(key);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            throw new EnrollmentException(ExitCodes.Failure, $"the platform's answer holds an unusable certificate: {ex.Message}", ex);
        }

        if (CaFingerprint.Of(answeredCa) != caFingerprint)
        {
            throw new EnrollmentException(ExitCodes.UntrustedServer, $"the platform returned a CA with fingerprint {CaFingerprint.Of(answeredCa)}, not the pinned {caFingerprint}");
        }

        if (CaChain.Verify(certificate, ca) is { } problem)
        {
            throw new EnrollmentException(ExitCodes.Failure, $"the certificate the platform issued does not chain to its CA: {problem}");
        }

        if (string.IsNullOrWhiteSpace(response.AgentId))
        {
            throw new EnrollmentException(ExitCodes.Failure, "the platform's answer holds no agent id");
        }

        // 5. Store it. A new identity starts a new sequence: what the old one spooled is not this agent's.
        if (force)
        {
            DeleteIfPresent(Path.Combine(stateDirectory, "spool"));
            File.Delete(Path.Combine(stateDirectory, Runtime.EffectiveConfiguration.FileName));
        }

        AgentIdentity.Save(stateDirectory, response.AgentId, key.ExportPkcs8PrivateKeyPem(), response.CertificatePem, response.CaCertificatePem);
        return response.AgentId;
    }

    /// <summary>
    /// GetTrustBundle over a connection whose certificate is not judged yet (it is public data); the CA counts only
    /// when its fingerprint is the pinned one. Nothing secret is sent on this connection.
    /// </summary>
    private static async Task<X509Certificate2> FetchPinnedCaAsync(Uri server, string caFingerprint, ReconnectOptions reconnect, CancellationToken cancellationToken)
    {
        GetTrustBundleResponse bundle;
        using (var channel = PlatformChannel.Create(server, ServerCertificatePolicy.Unjudged(), clientCertificate: null, reconnect))
        {
            try
            {
                bundle = await new AgentGatewayService.AgentGatewayServiceClient(channel).GetTrustBundleAsync(
                    new GetTrustBundleRequest(), deadline: DateTime.UtcNow + CallTimeout, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (RpcException ex)
            {
                throw new EnrollmentException(ExitCodes.Unreachable, $"cannot fetch the platform CA from {server} ({ex.StatusCode}): {ex.Status.Detail}; the token was not sent", ex);
            }
        }

        X509Certificate2 ca;
        try
        {
            ca = X509Certificate2.CreateFromPem(bundle.CaCertificatePem);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            throw new EnrollmentException(ExitCodes.UntrustedServer, $"{server} answered with no usable CA certificate ({ex.Message}); the token was not sent", ex);
        }

        if (CaFingerprint.Of(ca) != caFingerprint)
        {
            throw new EnrollmentException(ExitCodes.UntrustedServer, $"the CA of {server} has fingerprint {CaFingerprint.Of(ca)}, not the pinned {caFingerprint}; the token was not sent");
        }

        return ca;
    }

    private static void DeleteIfPresent(string directory)
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
