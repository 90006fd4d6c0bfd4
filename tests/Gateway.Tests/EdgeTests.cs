using System.Diagnostics;
using System.Net;
using System.Text;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Reflection.V1;
using SentinelSync.Contracts.Asset.V1;
using SentinelSync.Contracts.Auth.V1;
using SentinelSync.Server.Tests;
using SentinelSync.Testing;

using static SentinelSync.Gateway.Tests.EdgeCalls;

namespace SentinelSync.Gateway.Tests;

[Collection(PostgresCollection.Name)]
public sealed class EdgeTests
{
    private const string AdminPassword = EdgeCalls.AdminPassword;
    private static readonly TimeSpan Timeout = EdgeCalls.Timeout;
    private readonly PostgresFixture _postgres;

    public EdgeTests(PostgresFixture postgres) => _postgres = postgres;

    [Fact]
    public async Task Edge_SingleNode_EnforcesAccessForRestAndGrpc()
    {
        await using var server = await StartAsync([]);
        using var channel = GrpcChannel.ForAddress(server.OperatorAddress);
        using var http = H2cClient(server.OperatorAddress);
        var admin = await LoginAsync(channel, "admin", AdminPassword);
        var viewer = await CreateApiKeyAsync(channel, admin, "viewer");
        var assets = new AssetService.AssetServiceClient(channel);

        // 1. Nobody: UNAUTHENTICATED over gRPC, 401 over REST; a forged principal header changes nothing.
        var anonymous = await Assert.ThrowsAsync<RpcException>(() => assets.ListAgentsAsync(new ListAgentsRequest(), Forged(), DateTime.UtcNow.Add(Timeout)).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, anonymous.StatusCode);
        using (var response = await SendAsync(http, HttpMethod.Get, "/v1/agents", null))
        {
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{response.StatusCode} {response.Version} {response.Headers} {response.Content.Headers} {await response.Content.ReadAsStringAsync()}\n{server.StandardOutput}");
        }

        // 2. A viewer reads but does not write; an admin writes.
        using (var response = await SendAsync(http, HttpMethod.Get, "/v1/agents", viewer))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        const string TokenBody = "{\"description\":\"gateway test\",\"ttl\":\"3600s\",\"maxUses\":1}";
        using (var response = await SendAsync(http, HttpMethod.Post, "/v1/enrollment-tokens", viewer, TokenBody))
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }

        using (var response = await SendAsync(http, HttpMethod.Post, "/v1/enrollment-tokens", admin, TokenBody))
        {
            Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        }

        // 3. A sample of the access matrix over gRPC through the gateway.
        var auth = new AuthService.AuthServiceClient(channel);
        Assert.Equal(StatusCode.OK, await StatusOfAsync(assets.ListAgentsAsync(new ListAgentsRequest(), Bearer(viewer), DateTime.UtcNow.Add(Timeout))));
        Assert.Equal(StatusCode.OK, await StatusOfAsync(assets.ListEnrollmentTokensAsync(new ListEnrollmentTokensRequest(), Bearer(viewer), DateTime.UtcNow.Add(Timeout))));
        Assert.Equal(StatusCode.PermissionDenied, await StatusOfAsync(assets.DecommissionAgentAsync(new DecommissionAgentRequest { AgentId = "x" }, Bearer(viewer), DateTime.UtcNow.Add(Timeout))));
        Assert.Equal(StatusCode.PermissionDenied, await StatusOfAsync(auth.ListUsersAsync(new ListUsersRequest(), Bearer(viewer), DateTime.UtcNow.Add(Timeout))));
        Assert.Equal(StatusCode.OK, await StatusOfAsync(auth.ListUsersAsync(new ListUsersRequest(), Bearer(admin), DateTime.UtcNow.Add(Timeout))));
        Assert.Equal(StatusCode.PermissionDenied, await StatusOfAsync(assets.GetAgentTrustAsync(new GetAgentTrustRequest(), Bearer(admin), DateTime.UtcNow.Add(Timeout))));
        Assert.Equal(StatusCode.Unauthenticated, await StatusOfAsync(assets.GetAgentTrustAsync(new GetAgentTrustRequest(), Forged(), DateTime.UtcNow.Add(Timeout))));

        // 4. The OpenAPI document is public.
        using (var response = await SendAsync(http, HttpMethod.Get, GatewayHostingExtensions.OpenApiPath, null))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("/v1/agents", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // 5. The internal port enforces the same rules without the gateway: no signed principal, no access.
        using var direct = GrpcChannel.ForAddress(server.InternalAddress);
        var directAssets = new AssetService.AssetServiceClient(direct);
        Assert.Equal(StatusCode.Unauthenticated, await StatusOfAsync(directAssets.ListAgentsAsync(new ListAgentsRequest(), Forged(), DateTime.UtcNow.Add(Timeout))));
    }

    [Fact]
    public async Task BidiStream_ThroughGateway_MessagesBothWaysAndStatusInTrailers()
    {
        await using var server = await StartAsync([]);
        using var channel = GrpcChannel.ForAddress(server.OperatorAddress);
        var reflection = new ServerReflection.ServerReflectionClient(channel);
        using var cts = new CancellationTokenSource(Timeout);

        using var call = reflection.ServerReflectionInfo(cancellationToken: cts.Token);
        var seen = new List<string>();
        foreach (var symbol in new[] { "sentinel.asset.v1.AssetService", "sentinel.auth.v1.AuthService" })
        {
            await call.RequestStream.WriteAsync(new ServerReflectionRequest { FileContainingSymbol = symbol }).WaitAsync(Timeout);
            Assert.True(await call.ResponseStream.MoveNext(cts.Token).WaitAsync(Timeout));
            seen.Add(call.ResponseStream.Current.OriginalRequest.FileContainingSymbol);
            Assert.NotEmpty(call.ResponseStream.Current.FileDescriptorResponse.FileDescriptorProto);
        }

        await call.RequestStream.CompleteAsync().WaitAsync(Timeout);
        Assert.False(await call.ResponseStream.MoveNext(cts.Token).WaitAsync(Timeout));

        Assert.Equal(["sentinel.asset.v1.AssetService", "sentinel.auth.v1.AuthService"], seen);
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
        Assert.NotNull(call.GetTrailers());
    }

    [Fact]
    public async Task Burst_OverAddressLimit_429AndResourceExhausted()
    {
        await using var server = await StartAsync(["--Security:RateLimit:PermitsPerAddress", "10", "--Security:RateLimit:Window", "00:01:00"]);
        using var http = H2cClient(server.OperatorAddress);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 20; i++)
        {
            using var response = await SendAsync(http, HttpMethod.Get, GatewayHostingExtensions.OpenApiPath, null);
            statuses.Add(response.StatusCode);
        }

        using var channel = GrpcChannel.ForAddress(server.OperatorAddress);
        var grpc = await StatusOfAsync(new AssetService.AssetServiceClient(channel).ListAgentsAsync(new ListAgentsRequest(), deadline: DateTime.UtcNow.Add(Timeout)));

        Assert.Equal(10, statuses.Count(status => status == HttpStatusCode.OK));
        Assert.Equal(10, statuses.Count(status => status == HttpStatusCode.TooManyRequests));
        Assert.Equal(StatusCode.ResourceExhausted, grpc);
    }

    [Fact]
    public async Task Replicas_OneKilledUnderLoad_NoCallFails()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var database = await _postgres.CreateDatabaseAsync(cts.Token);
        var signingKey = SentinelProcess.NewKey();
        var caKey = SentinelProcess.NewKey();
        string[] Shared(string roles) => ["--roles", roles, "--Database:ConnectionString", database, "--Security:InternalSigningKey", signingKey, "--Asset:CaKeyEncryptionKey", caKey];

        // The first replica creates the schema and the CA; the second loads them. Active probes are rare here, so
        // what keeps calls from failing is the gateway moving refused connections to the live replica.
        await using var first = await SentinelProcess.StartAsync(Shared("asset"));
        await using var second = await SentinelProcess.StartAsync(Shared("asset"));
        await using var gateway = await SentinelProcess.StartAsync([
            .. Shared("gateway"),
            "--Security:InitialAdminPassword", AdminPassword,
            "--Security:RateLimit:PermitsPerPrincipal", "100000",
            "--Gateway:Roles:asset:Addresses:0", first.InternalAddress.ToString(),
            "--Gateway:Roles:asset:Addresses:1", second.InternalAddress.ToString(),
            "--Gateway:HealthCheckInterval", "00:01:00",
        ]);
        using var channel = GrpcChannel.ForAddress(gateway.OperatorAddress);
        using var http = H2cClient(gateway.OperatorAddress);
        var admin = await LoginAsync(channel, "admin", AdminPassword);
        var assets = new AssetService.AssetServiceClient(channel);

        async Task<List<string>> RunAsync(int calls)
        {
            var failures = new List<string>();
            for (var i = 0; i < calls; i++)
            {
                var grpc = await StatusOfAsync(assets.ListAgentsAsync(new ListAgentsRequest(), Bearer(admin), DateTime.UtcNow.AddSeconds(10)));
                if (grpc != StatusCode.OK)
                {
                    failures.Add($"gRPC call {i}: {grpc}");
                }

                using var rest = await SendAsync(http, HttpMethod.Get, "/v1/agents", admin);
                if (rest.StatusCode != HttpStatusCode.OK)
                {
                    failures.Add($"REST call {i}: {(int)rest.StatusCode} {await rest.Content.ReadAsStringAsync(cts.Token)}");
                }
            }

            return failures;
        }

        Assert.Empty(await RunAsync(20));
        first.Kill();
        await first.WaitForExitAsync(Timeout);

        // Connections refused by the dead replica are retried on the live one: not one call fails, over gRPC or REST.
        var failures = await RunAsync(40);
        Assert.True(failures.Count == 0, $"{failures.Count} calls failed after a replica died:\n{string.Join("\n", failures)}\n{gateway.StandardOutput}");
        Assert.Contains("refused the connection", gateway.StandardOutput, StringComparison.Ordinal);
    }

    private static Metadata Forged() => new()
    {
        { "x-sentinel-principal", Convert.ToBase64String(Encoding.UTF8.GetBytes("{\"v\":1,\"n\":\"root\",\"k\":\"service\"}")) },
        { "x-sentinel-principal-sig", "AAAA" },
    };

    private async Task<SentinelProcess> StartAsync(string[] arguments)
    {
        using var cts = new CancellationTokenSource(Timeout);
        var database = await _postgres.CreateDatabaseAsync(cts.Token);
        var started = Stopwatch.StartNew();
        var server = await SentinelProcess.StartAsync([.. arguments, "--Database:ConnectionString", database, "--Security:InitialAdminPassword", AdminPassword]);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(60));
        return server;
    }
}
