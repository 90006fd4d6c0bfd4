using System.Diagnostics;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using SentinelSync.Contracts.Asset.V1;
using SentinelSync.Testing;

namespace SentinelSync.Server.Tests;

[Collection(PostgresCollection.Name)]
public sealed class GrpcEndpointTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly PostgresFixture _postgres;

    public GrpcEndpointTests(PostgresFixture postgres) => _postgres = postgres;

    [Fact]
    public async Task HealthCheck_InternalPortAndThroughGateway_Serving()
    {
        await using var server = await StartAsync(["--roles", "all"]);
        foreach (var address in new[] { server.InternalAddress, server.OperatorAddress })
        {
            using var channel = GrpcChannel.ForAddress(address);
            var client = new Health.HealthClient(channel);

            var response = await client.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.Add(Timeout));

            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
        }
    }

    [Fact]
    public async Task HealthCheck_UnknownService_NotFound()
    {
        await using var server = await StartAsync([]);
        using var channel = GrpcChannel.ForAddress(server.InternalAddress);
        var client = new Health.HealthClient(channel);

        var error = await Assert.ThrowsAsync<RpcException>(() => client.CheckAsync(new HealthCheckRequest { Service = "no.such.Service" }, deadline: DateTime.UtcNow.Add(Timeout)).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task BufCurl_InternalPortAndThroughGateway_ListsServicesByReflectionAndChecksHealth()
    {
        await using var server = await StartAsync([]);
        foreach (var address in new[] { server.InternalAddress, server.OperatorAddress })
        {
            var services = await RunBufCurlAsync("--list-services", address.ToString());
            var health = await RunBufCurlAsync("-d", "{}", new Uri(address, "/grpc.health.v1.Health/Check").ToString());

            Assert.Contains("grpc.health.v1.Health", services, StringComparison.Ordinal);
            Assert.Contains("grpc.reflection.v1.ServerReflection", services, StringComparison.Ordinal);
            Assert.Contains("sentinel.auth.v1.AuthService", services, StringComparison.Ordinal);
            Assert.Contains("\"status\": \"SERVING\"", health, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ProtectedMethod_WithoutCredentials_UnauthenticatedOnInternalPortAndAtGateway()
    {
        await using var server = await StartAsync([]);
        foreach (var address in new[] { server.InternalAddress, server.OperatorAddress })
        {
            using var channel = GrpcChannel.ForAddress(address);
            var client = new AssetService.AssetServiceClient(channel);

            var error = await Assert.ThrowsAsync<RpcException>(() => client.ListAgentsAsync(new ListAgentsRequest(), deadline: DateTime.UtcNow.Add(Timeout)).ResponseAsync);

            Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        }
    }

    [Fact]
    public async Task Operator_SelfSignedTls_FingerprintPrintedAndPinnedClientServed()
    {
        await using var server = await StartAsync([], tls: true);
        var match = System.Text.RegularExpressions.Regex.Match(server.StandardOutput, "SHA-256 fingerprint ([0-9A-F:]{95})");
        Assert.True(match.Success, "no fingerprint printed: " + server.StandardOutput);
        var pinned = match.Groups[1].Value.Replace(":", string.Empty, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(server.DataDirectory, "tls", "cert.pem")));
        var seen = 0;
        using var handler = new SocketsHttpHandler
        {
            SslOptions = new System.Net.Security.SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    Interlocked.Increment(ref seen);
                    return certificate is not null && Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(certificate.GetRawCertData())) == pinned;
                },
            },
        };

        // REST over HTTP/1.1 and gRPC over HTTP/2, both through TLS with ALPN.
        using var http = new HttpClient(handler, disposeHandler: false) { Timeout = Timeout };
        using var openApi = await http.GetAsync(new Uri(server.OperatorAddress, "/openapi.json"));
        using var channel = GrpcChannel.ForAddress(server.OperatorAddress, new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = false });
        var health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.Add(Timeout));

        Assert.Equal(System.Net.HttpStatusCode.OK, openApi.StatusCode);
        Assert.Equal(new Version(1, 1), openApi.Version);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        Assert.True(seen > 0);
    }

    private async Task<SentinelProcess> StartAsync(string[] arguments, bool tls = false)
    {
        using var cts = new CancellationTokenSource(Timeout);
        var database = await _postgres.CreateDatabaseAsync(cts.Token);
        var server = await SentinelProcess.StartAsync([.. arguments, "--Database:ConnectionString", database], tls: tls);
        await server.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
        return server;
    }

    [Fact]
    public async Task Sigterm_WithCallInFlight_StopsServingAndExitsZero()
    {
        var server = await StartAsync(["--Shutdown:DrainTimeout", "00:00:03"]);
        await using var _ = server;
        using var channel = GrpcChannel.ForAddress(server.InternalAddress);
        var client = new Health.HealthClient(channel);
        using var cts = new CancellationTokenSource(Timeout);
        using var watch = client.Watch(new HealthCheckRequest(), cancellationToken: cts.Token);
        Assert.True(await watch.ResponseStream.MoveNext(cts.Token));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, watch.ResponseStream.Current.Status);

        server.Terminate();

        // The watcher hears that the server stops serving while its call drains.
        Assert.True(await watch.ResponseStream.MoveNext(cts.Token));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, watch.ResponseStream.Current.Status);
        Assert.Equal(0, await server.WaitForExitAsync(Timeout));
        Assert.Contains("draining in-flight calls", server.StandardOutput, StringComparison.Ordinal);
    }

    private static async Task<string> RunBufCurlAsync(params string[] arguments)
    {
        var buf = RepositoryRoot.Combine("node_modules/.bin/buf");
        Assert.True(File.Exists(buf), $"{buf} is missing: run `npm ci` at the repository root (scripts/test.sh does).");
        var start = new ProcessStartInfo(buf)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["curl", "--protocol", "grpc", "--http2-prior-knowledge", .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(Timeout);
        Assert.True(process.ExitCode == 0, $"buf curl {string.Join(' ', arguments)} exited {process.ExitCode}: {await stderr}");
        return await stdout;
    }
}
