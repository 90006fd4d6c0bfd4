using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SentinelSync.Contracts.Asset.V1;

namespace SentinelSync.Asset.Tests;

/// <summary>The asset role on a real Kestrel h2c listener on 127.0.0.1:0, and a client for it.</summary>
public sealed class AssetTestHost : IAsyncDisposable
{
    private readonly GrpcChannel _channel;

    private AssetTestHost(WebApplication app, int port, FakeClock clock)
    {
        App = app;
        Clock = clock;
        _channel = GrpcChannel.ForAddress(new Uri($"http://127.0.0.1:{port}"));
        Client = new AssetService.AssetServiceClient(_channel);
    }

    public const string TestUserHeader = "x-test-user";

    public WebApplication App { get; }

    public FakeClock Clock { get; }

    public AssetService.AssetServiceClient Client { get; }

    public static string NewCaKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>Starts the role against <paramref name="connectionString"/>.</summary>
    public static async Task<AssetTestHost> StartAsync(string connectionString, string caKey, FakeClock? clock = null, IDictionary<string, string?>? settings = null)
    {
        clock ??= new FakeClock();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(AssetTestHost).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        var configuration = new Dictionary<string, string?>
        {
            ["Database:ConnectionString"] = connectionString,
            ["Asset:CaKeyEncryptionKey"] = caKey,

            // Long enough that the sweeper's real-time timer never fires during a test; tests sweep explicitly.
            ["Asset:HeartbeatInterval"] = "00:10:00",
            ["Asset:MissedHeartbeatsOffline"] = "3",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(configuration);
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        if (Environment.GetEnvironmentVariable("ASSET_TEST_LOG") == "1")
        {
            builder.Logging.AddSimpleConsole();
        }
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.Configure<Microsoft.Extensions.Hosting.HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(5));
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Services.AddGrpc();
        builder.AddAsset();
        var app = builder.Build();

        // Stands in for authentication: `x-test-user` makes the call's user (the gateway's signed principal in production).
        app.Use((context, next) =>
        {
            if (context.Request.Headers.TryGetValue(TestUserHeader, out var user) && user.Count == 1)
            {
                context.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, user[0]!)], "test"));
            }

            return next(context);
        });
        app.MapAsset();
        try
        {
            await app.StartAsync().WaitAsync(TestTimeouts.Start);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new AssetTestHost(app, new Uri(address).Port, clock);
    }

    public T Service<T>()
        where T : notnull => App.Services.GetRequiredService<T>();

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        await App.StopAsync().WaitAsync(TestTimeouts.Start);
        await App.DisposeAsync();
    }
}
