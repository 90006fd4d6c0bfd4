using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SentinelSync.AgentGateway.Internal;

namespace SentinelSync.AgentGateway.Tests;

/// <summary>
/// A sentinel-like composition in this process: the fake Asset on an h2c operator listener and the agent gateway
/// on its TLS agent listener, both real Kestrel endpoints on 127.0.0.1, wired the way the host wires them.
/// </summary>
internal sealed class GatewayHost : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private readonly WebApplication _app;

    private GatewayHost(WebApplication app, FakeAsset asset, int operatorPort, int agentPort)
    {
        _app = app;
        Asset = asset;
        OperatorAddress = new Uri($"http://127.0.0.1:{operatorPort}");
        AgentAddress = new Uri($"https://127.0.0.1:{agentPort}");
    }

    public FakeAsset Asset { get; }

    public Uri OperatorAddress { get; }

    public Uri AgentAddress { get; }

    public IServiceProvider Services => _app.Services;

    public AgentSessionRegistry Sessions => _app.Services.GetRequiredService<AgentSessionRegistry>();

    /// <param name="settings">Configuration over the defaults.</param>
    /// <param name="asset">The fake Asset; a new one when null.</param>
    /// <param name="waitForTrust">Whether to return only once the trust material is loaded.</param>
    /// <param name="afterAgentEndpoint">Applied to the agent endpoint after the gateway configured it (connection middleware that observes what the gateway's left).</param>
    /// <param name="afterAgentGateway">Middleware run after the agent gateway's own (to observe the requests it passes on).</param>
    public static async Task<GatewayHost> StartAsync(IDictionary<string, string?>? settings = null, FakeAsset? asset = null, bool waitForTrust = true, Action<ListenOptions>? afterAgentEndpoint = null, Func<RequestDelegate, RequestDelegate>? afterAgentGateway = null)
    {
        asset ??= new FakeAsset();
        var operatorPort = FreePort();
        var agentPort = FreePort();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing", ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        if (Environment.GetEnvironmentVariable("AGENT_GATEWAY_TEST_LOGS") == "1")
        {
            builder.Logging.AddConsole();
        }

        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        var configuration = new Dictionary<string, string?>
        {
            ["Listen:Internal"] = $"http://127.0.0.1:{operatorPort}",
            ["AgentGateway:BatchDelay"] = "00:00:00.005",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(configuration);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, operatorPort, listen => listen.Protocols = HttpProtocols.Http2);
            var configureAgentEndpoint = kestrel.ApplicationServices.GetRequiredKeyedService<Action<ListenOptions>>(AgentEndpoint.ServiceKey);
            kestrel.Listen(IPAddress.Loopback, agentPort, listen =>
            {
                configureAgentEndpoint(listen);
                afterAgentEndpoint?.Invoke(listen);
            });
        });
        builder.Services.AddSingleton(asset);
        builder.Services.AddGrpc();
        builder.AddAgentGateway();

        var app = builder.Build();
        app.MapGrpcService<FakeAssetService>();
        app.MapAgentGateway();
        if (afterAgentGateway is not null)
        {
            app.Use(afterAgentGateway);
        }
        using var cts = new CancellationTokenSource(Timeout);
        await app.StartAsync(cts.Token);
        var host = new GatewayHost(app, asset, operatorPort, agentPort);
        if (waitForTrust)
        {
            await host.WaitUntilAsync(() => app.Services.GetRequiredService<AgentTrust>().IsLoaded && asset.ConnectedWatchers >= 2, "trust material loaded and both watches subscribed");
        }

        return host;
    }

    /// <summary>Polls a condition every 10 ms until it holds, failing after <see cref="Timeout"/>.</summary>
    public async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {Timeout} waiting for: {what}.");
            }

            await Task.Delay(10);
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await _app.StopAsync(cts.Token);
        await _app.DisposeAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
