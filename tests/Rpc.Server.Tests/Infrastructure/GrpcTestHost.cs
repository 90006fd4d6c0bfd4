using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SentinelSync.Rpc.Server.Tests;

/// <summary>
/// A real Kestrel server on 127.0.0.1:0 (h2c by default) hosting <see cref="ScriptedTestService"/> or whatever
/// the test maps, and an HttpClient that speaks HTTP/2 to it with prior knowledge.
/// </summary>
public sealed class GrpcTestHost : IAsyncDisposable
{
    private GrpcTestHost(WebApplication app, int port, LogSink logs)
    {
        App = app;
        Port = port;
        Logs = logs;
        Client = new HttpClient(new SocketsHttpHandler { EnableMultipleHttp2Connections = true })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}"),
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public WebApplication App { get; }

    public int Port { get; }

    public HttpClient Client { get; }

    /// <summary>Everything the server logged at Debug and above.</summary>
    public LogSink Logs { get; }

    public ServiceScript Script => App.Services.GetRequiredService<ServiceScript>();

    /// <summary>Starts a host.</summary>
    /// <param name="configureServices">Adds services; when it does not call <c>AddGrpc</c>, the defaults are added.</param>
    /// <param name="mapEndpoints">Maps endpoints; by default <see cref="ScriptedTestService"/>.</param>
    /// <param name="protocols">The listener's protocols.</param>
    /// <param name="time">A manual clock for deadlines.</param>
    public static async Task<GrpcTestHost> StartAsync(
        Action<IServiceCollection>? configureServices = null,
        Action<WebApplication>? mapEndpoints = null,
        HttpProtocols protocols = HttpProtocols.Http2,
        TimeProvider? time = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(GrpcTestHost).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        var logs = new LogSink();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddProvider(logs);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = protocols));
        builder.Services.Configure<Microsoft.Extensions.Hosting.HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(10));
        builder.Services.AddSingleton<ServiceScript>();
        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }

        configureServices?.Invoke(builder.Services);
        if (!builder.Services.Any(s => s.ServiceType.FullName == "Grpc.AspNetCore.Server.Internal.GrpcMarkerService"))
        {
            builder.Services.AddGrpc();
        }

        var app = builder.Build();
        if (mapEndpoints is null)
        {
            app.MapGrpcService<ScriptedTestService>();
        }
        else
        {
            mapEndpoints(app);
        }

        await app.StartAsync().WaitAsync(TestTimeouts.Call);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new GrpcTestHost(app, new Uri(address).Port, logs);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        try
        {
            await App.StopAsync().WaitAsync(TestTimeouts.Call);
        }
        finally
        {
            await App.DisposeAsync();
        }
    }
}
