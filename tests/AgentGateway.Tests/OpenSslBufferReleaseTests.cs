using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using SentinelSync.AgentGateway.Internal;

namespace SentinelSync.AgentGateway.Tests;

public sealed class OpenSslBufferReleaseTests
{
    private static readonly TestCertificateAuthority Platform = new("Platform CA");

    [Fact]
    public async Task TryEnable_AuthenticatedServerStream_ModeSetAndStreamStillCarriesData()
    {
        var (server, client) = await HandshakeAsync();
        await using (server)
        await using (client)
        {
            Assert.True(OpenSslBufferRelease.IsAvailable, "this test machine is Linux with libssl.so.3, where the guarded reach must work");
            Assert.False(OpenSslBufferRelease.IsEnabled(server));

            Assert.True(OpenSslBufferRelease.TryEnable(server));

            Assert.True(OpenSslBufferRelease.IsEnabled(server));
            // Records both ways after the buffers were given back: OpenSSL allocates them again.
            for (var round = 0; round < 3; round++)
            {
                var payload = new byte[20_000];
                Random.Shared.NextBytes(payload);
                await client.WriteAsync(payload).AsTask().WaitAsync(GatewayHost.Timeout);
                var received = new byte[payload.Length];
                await server.ReadExactlyAsync(received).AsTask().WaitAsync(GatewayHost.Timeout);
                Assert.Equal(payload, received);
                await server.WriteAsync(received).AsTask().WaitAsync(GatewayHost.Timeout);
                var echoed = new byte[payload.Length];
                await client.ReadExactlyAsync(echoed).AsTask().WaitAsync(GatewayHost.Timeout);
                Assert.Equal(payload, echoed);
            }
        }
    }

    [Fact]
    public async Task TryEnable_StreamBeforeHandshake_FalseAndNothingThrown()
    {
        await using var stream = new SslStream(new MemoryStream());

        Assert.False(OpenSslBufferRelease.TryEnable(stream));
        Assert.Null(OpenSslBufferRelease.IsEnabled(stream));
    }

    [Fact]
    public async Task TryEnable_DisposedStream_FalseAndNothingThrown()
    {
        var (server, client) = await HandshakeAsync();
        await client.DisposeAsync();
        await server.DisposeAsync();

        Assert.False(OpenSslBufferRelease.TryEnable(server));
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("false", false)]
    public async Task AgentEndpoint_ReleaseTlsBuffersSetting_DecidesTheModeOfAgentConnections(string? setting, bool expected)
    {
        var observed = new ConcurrentQueue<bool?>();
        var settings = new Dictionary<string, string?>();
        if (setting is not null)
        {
            settings["AgentGateway:ReleaseTlsBuffers"] = setting;
        }

        await using var host = await GatewayHost.StartAsync(settings, afterAgentEndpoint: listen => listen.Use(next => connection =>
        {
            if (connection.Features.Get<ISslStreamFeature>()?.SslStream is { } stream)
            {
                observed.Enqueue(OpenSslBufferRelease.IsEnabled(stream));
            }

            return next(connection);
        }));
        await TestAgent.ConnectOnceAsync(host);

        Assert.NotEmpty(observed);
        Assert.All(observed, mode => Assert.Equal(expected, mode));
    }

    private static async Task<(SslStream Server, SslStream Client)> HandshakeAsync()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var (certificatePem, keyPem) = Platform.IssueServer(["127.0.0.1"]);
        using var certificate = X509Certificate2.CreateFromPem(certificatePem, keyPem);
        var accepting = listener.AcceptSocketAsync();
        var clientSocket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await clientSocket.ConnectAsync((IPEndPoint)listener.LocalEndpoint).WaitAsync(GatewayHost.Timeout);
        var server = new SslStream(new NetworkStream(await accepting.WaitAsync(GatewayHost.Timeout), ownsSocket: true));
        var client = new SslStream(new NetworkStream(clientSocket, ownsSocket: true));
        await Task.WhenAll(
            server.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate }),
            client.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "127.0.0.1",
                RemoteCertificateValidationCallback = (_, presented, _, _) => presented?.Issuer == Platform.Certificate.Subject,
            })).WaitAsync(GatewayHost.Timeout);
        return (server, client);
    }
}
