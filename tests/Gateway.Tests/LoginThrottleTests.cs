using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Grpc.Net.Client;
using SentinelSync.Contracts.Auth.V1;
using SentinelSync.Server.Tests;
using SentinelSync.Testing;

namespace SentinelSync.Gateway.Tests;

/// <summary>
/// Failed-login throttling through running gateways: counted per client address as the edge resolves it
/// (X-Forwarded-For believed from trusted proxies only), and shared in PostgreSQL by every gateway replica.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class LoginThrottleTests
{
    private readonly PostgresFixture _postgres;

    public LoginThrottleTests(PostgresFixture postgres) => _postgres = postgres;

    [Fact]
    public async Task Login_FailuresForwardedForOneClientByTrustedProxy_ThrottlesThatClientOnly()
    {
        // The test connects from 127.0.0.1, which Security:TrustedProxies trusts by default: it plays a load balancer.
        await using var gateway = await StartGatewayAsync(await DatabaseAsync());
        using var channel = GrpcChannel.ForAddress(gateway.OperatorAddress);
        using var http = EdgeCalls.H2cClient(gateway.OperatorAddress);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(StatusCode.Unauthenticated, await FailedLoginAsync(channel, "user" + i, "198.51.100.1"));
        }

        Assert.Equal(StatusCode.ResourceExhausted, await FailedLoginAsync(channel, "user3", "198.51.100.1"));
        Assert.Equal(StatusCode.Unauthenticated, await FailedLoginAsync(channel, "user3", "198.51.100.2"));

        // REST logins reach the auth role through the transcoder, which forwards the same chain.
        Assert.Equal(HttpStatusCode.TooManyRequests, await FailedRestLoginAsync(http, "user4", "198.51.100.1"));
        Assert.Equal(HttpStatusCode.Unauthorized, await FailedRestLoginAsync(http, "user4", "198.51.100.3"));
    }

    [Fact]
    public async Task Login_ForwardedForFromUntrustedPeer_IgnoredAndPeerThrottled()
    {
        // From 127.0.0.2, which is not a trusted proxy: whatever X-Forwarded-For says, the peer is the client.
        await using var gateway = await StartGatewayAsync(await DatabaseAsync());
        using var channel = GrpcChannel.ForAddress(gateway.OperatorAddress, new GrpcChannelOptions { HttpHandler = FromAddress(IPAddress.Parse("127.0.0.2")) });
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(StatusCode.Unauthenticated, await FailedLoginAsync(channel, "user" + i, "198.51.100." + i));
        }

        Assert.Equal(StatusCode.ResourceExhausted, await FailedLoginAsync(channel, "user3", "198.51.100.99"));
    }

    [Fact]
    public async Task Login_FailuresOnOneGatewayReplica_ThrottledOnTheOther()
    {
        var database = await DatabaseAsync();
        var signingKey = SentinelProcess.NewKey();
        await using var first = await StartGatewayAsync(database, signingKey);
        await using var second = await StartGatewayAsync(database, signingKey);
        using var one = GrpcChannel.ForAddress(first.OperatorAddress);
        using var other = GrpcChannel.ForAddress(second.OperatorAddress);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(StatusCode.Unauthenticated, await FailedLoginAsync(i % 2 == 0 ? one : other, "admin", "203.0.113." + i));
        }

        var error = await Assert.ThrowsAsync<RpcException>(() => new AuthService.AuthServiceClient(other)
            .LoginAsync(new LoginRequest { Username = "admin", Password = EdgeCalls.AdminPassword }, deadline: EdgeCalls.Deadline).ResponseAsync.WaitAsync(EdgeCalls.Timeout));
        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Equal(StatusCode.ResourceExhausted, await FailedLoginAsync(one, "admin", "192.0.2.50"));
    }

    private static async Task<StatusCode> FailedLoginAsync(GrpcChannel channel, string username, string forwardedFor) =>
        await EdgeCalls.StatusOfAsync(new AuthService.AuthServiceClient(channel).LoginAsync(
            new LoginRequest { Username = username, Password = "wrong-password-123" },
            new Metadata { { "x-forwarded-for", forwardedFor } },
            EdgeCalls.Deadline));

    private static async Task<HttpStatusCode> FailedRestLoginAsync(HttpClient http, string username, string forwardedFor)
    {
        using var request = EdgeCalls.Request(HttpMethod.Post, "/v1/auth/login", null, $"{{\"username\":\"{username}\",\"password\":\"wrong-password-123\"}}");
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        using var response = await http.SendAsync(request).WaitAsync(EdgeCalls.Timeout);
        return response.StatusCode;
    }

    /// <summary>An h2c handler whose connections leave from <paramref name="source"/> (any 127/8 address is local on Linux).</summary>
    private static SocketsHttpHandler FromAddress(IPAddress source) => new()
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(source, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    private static Task<SentinelProcess> StartGatewayAsync(string database, string? signingKey = null) => SentinelProcess.StartAsync([
        "--roles", "gateway",
        "--Database:ConnectionString", database,
        "--Security:InternalSigningKey", signingKey ?? SentinelProcess.NewKey(),
        "--Security:InitialAdminPassword", EdgeCalls.AdminPassword,
        "--Security:MaxFailedLoginsPerAddress", "3",
        "--Security:RateLimit:PermitsPerAddress", "100000",
    ]);

    private async Task<string> DatabaseAsync()
    {
        using var cts = new CancellationTokenSource(EdgeCalls.Timeout);
        return await _postgres.CreateDatabaseAsync(cts.Token);
    }
}
