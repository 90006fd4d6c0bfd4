using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SentinelSync.InProcess.Tests;

/// <summary>A real Kestrel h2c host on 127.0.0.1 with an <see cref="InProcessServer"/> around it and test endpoints.</summary>
internal sealed class TestApplication : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestApplication(WebApplication app, int port)
    {
        _app = app;
        Port = port;
        Address = new Uri($"http://127.0.0.1:{port}");
    }

    public int Port { get; }

    public Uri Address { get; }

    public InProcessServer Server => (InProcessServer)_app.Services.GetRequiredService<IServer>();

    /// <summary>Completes when a <c>/wait-abort</c> request saw <see cref="HttpContext.RequestAborted"/> fire.</summary>
    public TaskCompletionSource RequestAbortedSeen { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static async Task<TestApplication> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddInProcessServer();
        var app = builder.Build();
        TestApplication? self = null;
        Map(app, () => self!);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        self = new TestApplication(app, new Uri(address).Port);
        return self;
    }

    /// <summary>A client whose requests for this host's address are served in memory, the rest over the network.</summary>
    public HttpClient CreateClient(Uri? localAddress = null) =>
        new(Server.CreateHandler(localAddress ?? Address, new SocketsHttpHandler()))
        {
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = TimeSpan.FromSeconds(30),
        };

    public Task StopAsync() => _app.StopAsync();

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private static void Map(WebApplication app, Func<TestApplication> self)
    {
        app.MapPost("/echo", async context =>
        {
            var body = await new StreamReader(context.Request.Body).ReadToEndAsync(context.RequestAborted);
            context.Response.StatusCode = StatusCodes.Status201Created;
            context.Response.Headers["x-echo"] = context.Request.Headers["x-test"];
            context.Response.ContentType = "text/plain";
            context.Response.AppendTrailer("x-trailer", "done");
            await context.Response.WriteAsync("echo:" + body + "|" + context.Request.Query["q"], context.RequestAborted);
        });

        // Writes back every chunk as it arrives, so the caller can only go on after reading the last echo.
        app.MapPost("/duplex", async context =>
        {
            var reader = context.Request.BodyReader;
            while (true)
            {
                var result = await reader.ReadAsync(context.RequestAborted);
                foreach (var segment in result.Buffer)
                {
                    await context.Response.BodyWriter.WriteAsync(segment, context.RequestAborted);
                }

                reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }

            context.Response.AppendTrailer("x-chunks", "all");
        });

        app.MapGet("/connection", context =>
        {
            var connection = context.Connection;
            return context.Response.WriteAsync($"{connection.Id}|{connection.LocalPort}|{connection.RemoteIpAddress}|{context.Request.Protocol}|{context.Request.Host}");
        });

        app.MapGet("/throw-before", _ => throw new InvalidOperationException("before the response"));
        app.MapGet("/throw-after", async context =>
        {
            await context.Response.WriteAsync("partial");
            await context.Response.Body.FlushAsync();
            throw new InvalidOperationException("after the response started");
        });

        app.MapGet("/reset", async context =>
        {
            await context.Response.WriteAsync("partial");
            await context.Response.Body.FlushAsync();
            context.Features.GetRequiredFeature<IHttpResetFeature>().Reset(8);
        });

        app.MapGet("/wait-abort", async context =>
        {
            await context.Response.WriteAsync("started");
            await context.Response.Body.FlushAsync();
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(20), context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                self().RequestAbortedSeen.TrySetResult();
            }
        });
    }
}
