using System.Net;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SentinelSync.Contracts;
using SentinelSync.Gateway.Transcoding.Tests.Library;

namespace SentinelSync.Gateway.Transcoding.Tests;

/// <summary>
/// Two real Kestrel servers on 127.0.0.1:0: a gRPC backend (h2c) hosting <see cref="TestAssetService"/> and
/// <see cref="TestLibraryService"/>, and a gateway (HTTP/1.1 and HTTP/2) with the transcoding endpoints and
/// the OpenAPI document, calling the backend over a <see cref="GrpcChannel"/>.
/// </summary>
public sealed class TranscodingTestHost : IAsyncDisposable
{
    public const string GatewayHeader = "x-gateway-principal";

    private readonly WebApplication _backend;
    private readonly WebApplication _gateway;
    private readonly GrpcChannel _channel;

    private TranscodingTestHost(WebApplication backend, WebApplication gateway, GrpcChannel channel, Uri gatewayAddress, BackendRecorder recorder)
    {
        _backend = backend;
        _gateway = gateway;
        _channel = channel;
        Recorder = recorder;
        Client = new HttpClient { BaseAddress = gatewayAddress, Timeout = TestTimeouts.Call };
    }

    public HttpClient Client { get; }

    public BackendRecorder Recorder { get; }

    public static IEnumerable<Google.Protobuf.Reflection.ServiceDescriptor> Services =>
        ContractCatalog.Services.Append(LibraryReflection.Descriptor.Services[0]);

    public static async Task<TranscodingTestHost> StartAsync(long maxRequestBodySize = 64 * 1024, Action<TranscodingOptions>? configure = null)
    {
        var recorder = new BackendRecorder();

        var backendBuilder = CreateBuilder(HttpProtocols.Http2);
        backendBuilder.Services.AddSingleton(recorder);
        backendBuilder.Services.AddGrpc();
        var backend = backendBuilder.Build();
        backend.MapGrpcService<TestAssetService>();
        backend.MapGrpcService<TestLibraryService>();
        await backend.StartAsync().WaitAsync(TestTimeouts.Call);

        var channel = GrpcChannel.ForAddress(Address(backend));
        var invoker = channel.CreateCallInvoker();

        var gatewayBuilder = CreateBuilder(HttpProtocols.Http1AndHttp2);
        gatewayBuilder.Services.AddTranscoding(options =>
        {
            options.MaxRequestBodySize = maxRequestBodySize;
            options.ForwardedHeaders.Add("x-tenant");
            options.ForwardGrpcMetadataHeaders = true;
            configure?.Invoke(options);
        });
        var gateway = gatewayBuilder.Build();
        gateway.MapTranscoding(Services, new TranscodingBackend((_, _) => invoker)
        {
            ConfigureCall = (context, method, options) =>
            {
                if (context.Request.Headers.ContainsKey("x-test-explode"))
                {
                    throw new InvalidOperationException("The test asked the gateway callback to fail.");
                }

                if (context.Request.Headers.ContainsKey("x-test-deny"))
                {
                    throw new RpcException(new Status(StatusCode.Unauthenticated, "No credentials."));
                }

                options.Headers!.Add(GatewayHeader, "test-operator:" + method.Name);
                return options;
            },
        });
        gateway.MapOpenApiDocument("/openapi.json", Services);
        await gateway.StartAsync().WaitAsync(TestTimeouts.Call);
        return new TranscodingTestHost(backend, gateway, channel, Address(gateway), recorder);
    }

    private static WebApplicationBuilder CreateBuilder(HttpProtocols protocols)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(TranscodingTestHost).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = protocols));
        return builder;
    }

    private static Uri Address(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single());

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        try
        {
            await _gateway.StopAsync().WaitAsync(TestTimeouts.Call);
            await _backend.StopAsync().WaitAsync(TestTimeouts.Call);
        }
        finally
        {
            _channel.Dispose();
            await _gateway.DisposeAsync();
            await _backend.DisposeAsync();
        }
    }
}
