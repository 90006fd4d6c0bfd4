using System.Net;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SentinelSync.AgentGateway.Internal;
using SentinelSync.Contracts.Asset.V1;
using SentinelSync.InProcess;

namespace SentinelSync.AgentGateway;

/// <summary>Composes the agent-gateway role into a host.</summary>
public static class AgentGatewayHostingExtensions
{

    /// <summary>
    /// Registers the agent gateway: its options (section <c>AgentGateway</c>), the Asset client, the trust material
    /// loader and readiness check, the keepalive sweep, the drain on shutdown (GoAway), the native heap trim, the heap
    /// compaction after connection waves, the trimming buffer pools for the process's Kestrel, the decommission and
    /// configuration watches, and the agent endpoint hook (<see cref="AgentEndpoint.ServiceKey"/>).
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
                    options.AssetAddress = InternalEndpoint.Address(configuration);
                }

                options.HeartbeatInterval = AgentGatewayOptionsValidator.ConfiguredHeartbeatInterval(configuration) ?? options.HeartbeatInterval;
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<AgentGatewayOptions>, AgentGatewayOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddGrpc();

        // The host's server, wrapped so this process's own Asset is reached in memory (idempotent: the host may
        // have done it already).
        services.AddInProcessServer();

        services.AddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<AgentGatewayOptions>>().Value;
            var internalAddress = InternalEndpoint.Address(provider.GetRequiredService<IConfiguration>());
            var assetIsThisProcess = string.Equals(options.AssetAddress.TrimEnd('/'), internalAddress, StringComparison.OrdinalIgnoreCase);
            var network = CreateAssetHandler();

            // Asset in this process: its calls (a heartbeat per agent per interval) go to it in memory, and while the
            // host is not serving (starting: hosted services, this gateway's among them, start before Kestrel binds;
            // or stopping) they fail as a refused connection would, rather than reach whatever else listens on that
            // port, such as another installation ("the principal signature does not match").
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
        services.AddHostedService<HeapCompaction>();
        services.AddHostedService<AgentStateWatch>();
        services.AddHostedService(provider => provider.GetRequiredService<ConfigChangeWatch>());
        services.AddHealthChecks().AddCheck<AgentTrustHealthCheck>("agent-gateway-trust", tags: ["ready"]);

        // The host applies this to its agent endpoint; see AgentEndpoint.
        services.AddKeyedSingleton<Action<ListenOptions>>(AgentEndpoint.ServiceKey, (provider, _) => provider.GetRequiredService<AgentEndpointConfigurator>().Configure);

        // Kestrel's buffer pools, trimmed to follow demand (decided here: Kestrel asks for its factory before options
        // are bound; the validator rejects a negative interval).
        var trimInterval = builder.Configuration.GetValue<TimeSpan?>($"{AgentGatewayOptions.Section}:{nameof(AgentGatewayOptions.MemoryPoolTrimInterval)}");
        if ((trimInterval ?? new AgentGatewayOptions().MemoryPoolTrimInterval) > TimeSpan.Zero)
        {
            services.RemoveAll<IMemoryPoolFactory<byte>>();
            services.AddSingleton<IMemoryPoolFactory<byte>, TrimmingMemoryPoolFactory>();
        }

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

    /// <summary>The Asset client's HTTP/2 handler: the channel's defaults, with keepalive pings after 30 s and a 20 s timeout.</summary>
    private static SocketsHttpHandler CreateAssetHandler() => new()
    {
        EnableMultipleHttp2Connections = true,
        PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
        KeepAlivePingDelay = TimeSpan.FromSeconds(30),
        KeepAlivePingTimeout = TimeSpan.FromSeconds(20),
        KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
    };
}
