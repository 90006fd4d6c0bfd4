using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using SentinelSync.Security.Tests.Fortress;

namespace SentinelSync.Security.Tests;

/// <summary>
/// CALLER_AGENT methods over TLS: a connection with a client certificate passes as the agent, one without is
/// UNAUTHENTICATED. (Which CA signed the certificate is the agent gateway's check, not the interceptor's.)
/// </summary>
public sealed class AgentCertificateTests
{
    [Fact]
    public async Task AgentThing_ClientCertificate_OkAsAgent()
    {
        using var server = Certificate("CN=127.0.0.1", "1.3.6.1.5.5.7.3.1");
        using var client = Certificate("CN=agent-7", "1.3.6.1.5.5.7.3.2");
        await using var host = await StartTlsAsync(server);
        using var channel = TlsChannel(host, client);

        var response = await new Fortress.FortressService.FortressServiceClient(channel).AgentThingAsync(new ThingRequest()).ResponseAsync.WaitAsync(TestTimeouts.Call);
        var operatorMethod = await Assert.ThrowsAsync<RpcException>(() =>
            new Fortress.FortressService.FortressServiceClient(channel).ReadThingAsync(new ThingRequest()).ResponseAsync.WaitAsync(TestTimeouts.Call));

        Assert.Equal("CN=agent-7", response.Caller);
        Assert.Equal(StatusCode.PermissionDenied, operatorMethod.StatusCode);
    }

    [Fact]
    public async Task AgentThing_TlsWithoutClientCertificate_Unauthenticated()
    {
        using var server = Certificate("CN=127.0.0.1", "1.3.6.1.5.5.7.3.1");
        await using var host = await StartTlsAsync(server);
        using var channel = TlsChannel(host, null);

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            new Fortress.FortressService.FortressServiceClient(channel).AgentThingAsync(new ThingRequest()).ResponseAsync.WaitAsync(TestTimeouts.Call));

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    private static Task<SecurityTestHost> StartTlsAsync(X509Certificate2 server) =>
        SecurityTestHost.StartAsync(listen: options => options.UseHttps(https =>
        {
            https.ServerCertificate = server;
            https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
            https.AllowAnyClientCertificate();
        }));

    private static GrpcChannel TlsChannel(SecurityTestHost host, X509Certificate2? client)
    {
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        if (client is not null)
        {
            handler.SslOptions.ClientCertificates = [client];
        }

        return GrpcChannel.ForAddress(new Uri($"https://127.0.0.1:{host.Address.Port}"), new GrpcChannelOptions { HttpHandler = handler });
    }

    private static X509Certificate2 Certificate(string subject, string usage)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usage)], critical: false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }
}
