using System.Net;
using System.Security.Authentication;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SentinelSync.Contracts.Asset.V1;

namespace SentinelSync.Agent.Tests.Gateway;

/// <summary>
/// A fake platform at the wire: a real Kestrel HTTP/2 server on 127.0.0.1 with our gRPC server
/// runtime, hosting AgentGatewayService.Connect (each call handed to the test as a
/// <see cref="FakeStream"/>), GetTrustBundle and AssetService.Enroll. With a <see cref="TestPki"/> it speaks TLS
/// and requires a client certificate signed by that CA on Connect
/// when asked to.
/// </summary>
internal sealed class FakeGateway : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private WebApplication? _app;

    private FakeGateway()
    {
    }

    public Uri Address { get; private set; } = null!;

    /// <summary>What GetTrustBundle answers: the PKI's CA by default.</summary>
    public string? TrustBundlePem { get; set; }

    /// <summary>How many GetTrustBundle calls arrived.</summary>
    public int TrustBundleRequests;

    /// <summary>Every Connect call as it arrives.</summary>
    public Channel<FakeStream> Streams { get; } = Channel.CreateUnbounded<FakeStream>();

    /// <summary>Every Enroll request that reached the service (that is, whose token left the agent).</summary>
    public List<EnrollRequest> EnrollRequests { get; } = [];

    /// <summary>How Enroll answers; throw an RpcException to refuse.</summary>
    public Func<EnrollRequest, EnrollResponse> Enroll { get; set; } = _ => throw new Grpc.Core.RpcException(new(Grpc.Core.StatusCode.Unimplemented, "no enrollment in this test"));

    /// <param name="pki">TLS with this PKI; plain h2c when null.</param>
    /// <param name="requireClientCertificate">Refuse TLS handshakes without a client certificate signed by the CA.</param>
    public static async Task<FakeGateway> StartAsync(TestPki? pki = null, bool requireClientCertificate = false)
    {
        var gateway = new FakeGateway { TrustBundlePem = pki?.CaPem };
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            if (pki is not null)
            {
                listen.UseHttps(new HttpsConnectionAdapterOptions
                {
                    ServerCertificate = pki.Server,
                    SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                    ClientCertificateMode = requireClientCertificate ? ClientCertificateMode.RequireCertificate : ClientCertificateMode.NoCertificate,
                    ClientCertificateValidation = (certificate, _, _) => SentinelSync.Agent.Identity.CaChain.Verify(certificate, pki.Ca) is null,
                });
            }
        }));
        builder.Services.AddSingleton(gateway);
        builder.Services.AddGrpc();
        var app = builder.Build();
        app.MapGrpcService<FakeGatewayService>();
        app.MapGrpcService<FakeAssetService>();
        await app.StartAsync().WaitAsync(StartTimeout);
        var port = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single()).Port;
        gateway._app = app;
        gateway.Address = new Uri($"{(pki is null ? "http" : "https")}://127.0.0.1:{port}");
        return gateway;
    }

    /// <summary>The next Connect call, within <paramref name="timeout"/>.</summary>
    public async Task<FakeStream> AcceptAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            return await Streams.Reader.ReadAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"the agent did not open a stream within {timeout}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
            await _app.DisposeAsync();
        }
    }
}
