using System.Net;
using System.Net.Sockets;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SentinelSync.AgentGateway.Internal;
using SentinelSync.Contracts.Asset.V1;
using SentinelSync.InProcess;

namespace SentinelSync.AgentGateway;

/// <summary>Composes the agent-gateway role into a host.</summary>
public static class AgentGatewayHostingExtensions
{
    private const string DefaultInternalAddress = "http://127.0.0.1:7403";

    /// <summary>
    /// Registers the agent gateway: its options (section <c>AgentGateway</c>), the Asset client, the trust material
    /// loader and readiness check, the keepalive sweep, the drain on shutdown (GoAway), the native heap trim, the
    /// decommission and configuration watches, and the agent endpoint hook (<see cref="AgentEndpoint.ServiceKey"/>).
    /// </summary>
    /// <param name="builder">The host's builder; <c>AddGrpc</c> is called if it was not.</param>
    public static WebApplicationBuilder AddAgentGateway(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<AgentGatewayOptions>()
            .BindConfiguration(AgentGatewayOptions.Section)
            .Configure<IConfiguration>((options, configuration) =>
            {
                if (string.IsNullOrWhiteSpace(options.AssetAddress))
                {
                    options.AssetAddress = LocalAddress(configuration["Listen:Internal"] ?? DefaultInternalAddress);
                }

                options.HeartbeatInterval = AgentGatewayOptionsValidator.ConfiguredHeartbeatInterval(configuration) ?? options.HeartbeatInterval;
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<AgentGatewayOptions>, AgentGatewayOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddGrpc();

        services.AddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<AgentGatewayOptions>>().Value;
            var internalAddress = LocalAddress(provider.GetRequiredService<IConfiguration>()["Listen:Internal"] ?? DefaultInternalAddress);
            var assetIsThisProcess = string.Equals(options.AssetAddress.TrimEnd('/'), internalAddress, StringComparison.OrdinalIgnoreCase);
            var network = CreateAssetHandler(assetIsThisProcess ? provider.GetRequiredService<IHostApplicationLifetime>() : null);

            // Asset in this process: its calls (a heartbeat per agent per interval) go to it in memory when the host
            // offers that, refused as a failed connection while the host is not serving, as over the network.
            var channel = GrpcChannel.ForAddress(options.AssetAddress, new GrpcChannelOptions
            {
                HttpHandler = assetIsThisProcess && provider.GetService<IServer>() is InProcessServer server
                    ? server.CreateHandler(new Uri(internalAddress), network)
                    : network,
            });
            return new AssetService.AssetServiceClient(InternalCaller.Attach(channel.CreateCallInvoker(), provider.GetService<SentinelSync.Security.PrincipalSigner>()));
        });
        services.AddSingleton<AgentTrust>();
        services.AddSingleton<AgentSessionRegistry>();
        services.AddSingleton<HelloAdmission>();
        services.AddSingleton<ConfigPusher>();
        services.AddSingleton<ConfigChangeWatch>();
        services.AddSingleton<EnrollForwardingClient>();
        services.AddSingleton<AgentEndpointConfigurator>();
        services.AddHostedService<AgentTrustLoader>();
        services.AddHostedService<KeepaliveSweep>();
        services.AddHostedService<AgentDrain>();
        services.AddHostedService<NativeHeapTrim>();
        services.AddHostedService<AgentStateWatch>();
        services.AddHostedService(provider => provider.GetRequiredService<ConfigChangeWatch>());
        services.AddHealthChecks().AddCheck<AgentTrustHealthCheck>("agent-gateway-trust", tags: ["ready"]);

        // The host applies this to its agent endpoint; see AgentEndpoint.
        services.AddKeyedSingleton<Action<ListenOptions>>(AgentEndpoint.ServiceKey, (provider, _) => provider.GetRequiredService<AgentEndpointConfigurator>().Configure);

        // HTTP/2 keepalive under the application-level pings: a silent dead connection is closed by Kestrel too.
        services.AddOptions<KestrelServerOptions>().Configure(kestrel =>
        {
            if (kestrel.Limits.Http2.KeepAlivePingDelay == TimeSpan.MaxValue)
            {
                kestrel.Limits.Http2.KeepAlivePingDelay = TimeSpan.FromSeconds(60);
                kestrel.Limits.Http2.KeepAlivePingTimeout = TimeSpan.FromSeconds(30);
            }
        });
        return builder;
    }

    /// <summary>
    /// Maps <c>AgentGatewayService</c> and keeps the agent endpoint to agent methods (Connect, and Enroll forwarded
    /// to Asset).
    /// </summary>
    /// <param name="app">The application.</param>
    public static WebApplication MapAgentGateway(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseMiddleware<AgentEndpointMiddleware>();
        app.MapGrpcService<AgentGatewayGrpcService>();
        return app;
    }

    /// <summary>
    /// The Asset client's HTTP/2 handler: the channel's defaults, with keepalive pings after 30 s and a 20 s timeout.
    /// </summary>
    /// <param name="lifetime">
    /// This host's lifetime when Asset is this process's own internal endpoint (single-node mode), else null. Then a
    /// new connection is opened only while this process serves that endpoint: before it has started (hosted services,
    /// this gateway's among them, start before Kestrel binds) and once it is stopping, whatever listens on that port
    /// is another process, such as another installation, which refuses our calls (its signing key differs: "the
    /// principal signature does not match") or, sharing the key, answers them with its own data.
    /// </param>
    private static SocketsHttpHandler CreateAssetHandler(IHostApplicationLifetime? lifetime) => new()
    {
        EnableMultipleHttp2Connections = true,
        PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
        KeepAlivePingDelay = TimeSpan.FromSeconds(30),
        KeepAlivePingTimeout = TimeSpan.FromSeconds(20),
        KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        ConnectCallback = lifetime is null ? null : (context, cancellationToken) => ConnectWhileServingAsync(lifetime, context, cancellationToken),
    };

    private static async ValueTask<Stream> ConnectWhileServingAsync(IHostApplicationLifetime lifetime, SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        if (!lifetime.ApplicationStarted.IsCancellationRequested || lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // A connection failure, as when nothing listens: callers retry as they do then.
            throw new HttpRequestException(
                HttpRequestError.ConnectionError,
                $"Asset is this process ({context.DnsEndPoint.Host}:{context.DnsEndPoint.Port}), which is not serving yet or any more (starting or stopping); not connecting to whatever else listens there.");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>A listen URL as a client reaches it from this machine: a wildcard host becomes 127.0.0.1.</summary>
    internal static string LocalAddress(string listen)
    {
        var address = listen.Replace("://*:", "://127.0.0.1:", StringComparison.Ordinal)
            .Replace("://+:", "://127.0.0.1:", StringComparison.Ordinal)
            .Replace("://0.0.0.0:", "://127.0.0.1:", StringComparison.Ordinal)
            .Replace("://[::]:", "://127.0.0.1:", StringComparison.Ordinal);
        return address.TrimEnd('/');
    }
}
