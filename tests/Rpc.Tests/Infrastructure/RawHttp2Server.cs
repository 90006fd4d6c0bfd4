using System.Net;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SentinelSync.Rpc.Tests.Infrastructure;

/// <summary>
/// A bare Kestrel HTTP/2 (h2c) listener on 127.0.0.1:0 whose one handler answers with whatever bytes,
/// headers and trailers a test crafts: the client is tested against the wire, not against our server.
/// </summary>
internal sealed class RawHttp2Server : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RawHttp2Server(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<RawHttp2Server> StartAsync(RequestDelegate handler, Action<KestrelServerOptions>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2);
            configure?.Invoke(kestrel);
        });
        var app = builder.Build();
        app.Run(handler);
        await app.StartAsync().WithTimeout();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new RawHttp2Server(app, new Uri(address));
    }

    public GrpcChannel CreateChannel(GrpcChannelOptions? options = null) => GrpcChannel.ForAddress(Address, options ?? new GrpcChannelOptions());

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().WithTimeout();
        await _app.DisposeAsync();
    }

    /// <summary>Starts a gRPC response: status 200 and <c>content-type: application/grpc</c>.</summary>
    public static void StartGrpcResponse(HttpResponse response, string contentType = "application/grpc")
    {
        response.StatusCode = 200;
        response.ContentType = contentType;
    }

    /// <summary>Writes bytes and flushes them, so they leave in their own DATA frame(s).</summary>
    public static async Task WriteAndFlushAsync(HttpResponse response, byte[] bytes)
    {
        await response.BodyWriter.WriteAsync(bytes);
        await response.BodyWriter.FlushAsync();
    }

    /// <summary>Ends the response with <c>grpc-status</c> (and <c>grpc-message</c>) trailers.</summary>
    public static void SetStatusTrailers(HttpResponse response, int status, string? message = null)
    {
        response.AppendTrailer("grpc-status", status.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (message is not null)
        {
            response.AppendTrailer("grpc-message", message);
        }
    }
}
