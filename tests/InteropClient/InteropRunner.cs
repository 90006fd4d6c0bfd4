using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;

namespace SentinelSync.InteropClient;

/// <summary>Connects to an interop server and runs cases, printing <c>PASS case</c> or <c>FAIL case: reason</c>.</summary>
public static class InteropRunner
{
    /// <summary>Runs the cases the options name; returns the exit code: 0 when every case passed, 1 otherwise.</summary>
    public static async Task<int> RunAsync(InteropClientOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        var names = options.TestCase == "all"
            ? InteropTestCases.All
            : options.TestCase.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

        GrpcChannel channel;
        try
        {
            channel = CreateChannel(options);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            foreach (var name in names)
            {
                await output.WriteLineAsync($"FAIL {name}: cannot set up the channel: {ex.Message}").ConfigureAwait(false);
            }

            return 1;
        }

        using var ownedChannel = channel;
        var cases = new InteropTestCases(channel, options.UseTls ? options.ServerHostOverride : null, options.RpcTimeout);
        var failed = 0;
        foreach (var name in names)
        {
            var failure = await RunCaseAsync(cases, name, cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync(failure is null ? $"PASS {name}" : $"FAIL {name}: {failure}").ConfigureAwait(false);
            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            failed += failure is null ? 0 : 1;
        }

        return failed == 0 && names.Count > 0 ? 0 : 1;
    }

    /// <summary>Runs one case; returns null when it passed, otherwise why it failed.</summary>
    public static async Task<string?> RunCaseAsync(InteropTestCases cases, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cases);
        try
        {
            await cases.RunAsync(name, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (Exception ex)
        {
            return ex is InteropCaseFailedException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}";
        }
    }

    /// <summary>
    /// A channel to the server: h2c, or TLS whose certificate is checked against the system roots or, with
    /// <c>--use_test_ca</c>, the interop test CA, for the name <c>--server_host_override</c> claims.
    /// </summary>
    public static GrpcChannel CreateChannel(InteropClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var address = new UriBuilder(options.UseTls ? Uri.UriSchemeHttps : Uri.UriSchemeHttp, options.ServerHost, options.ServerPort).Uri;
        if (!options.UseTls)
        {
            return GrpcChannel.ForAddress(address);
        }

        var handler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true };
        if (options.UseTestCa)
        {
            var ca = X509Certificate2.CreateFromPem(File.ReadAllText(options.CaFile ?? Path.Combine(AppContext.BaseDirectory, "certs", "ca.pem")));
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) => IsTrusted(certificate, errors, ca),
            };
        }

        return GrpcChannel.ForAddress(address, new GrpcChannelOptions { HttpHandler = handler });
    }

    private static bool IsTrusted(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2 ca)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        // The name must still match; only the chain may end at the test CA instead of a system root.
        if (certificate is not X509Certificate2 leaf || errors != SslPolicyErrors.RemoteCertificateChainErrors)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(leaf);
    }
}
