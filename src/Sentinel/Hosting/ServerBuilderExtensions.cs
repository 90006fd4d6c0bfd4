using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using SentinelSync.AgentGateway;
using SentinelSync.InProcess;
using SentinelSync.Security;
using SentinelSync.Storage;
using KestrelListenOptions = Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions;

namespace SentinelSync.Server.Hosting;

/// <summary>Composes the server: options, Kestrel endpoints, the gRPC runtime, access control, probes, and the chosen roles.</summary>
internal static class ServerBuilderExtensions
{
    public static WebApplicationBuilder AddSentinelServer(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        var rolesValid = RoleSet.TryParse(configuration["Roles"] ?? new ServerOptions().Roles, out var roles, out _);
        var dataDirectory = DataDirectory.Resolve(builder.Environment.ContentRootPath);

        // 1. Single-node default: a signing key kept in the data directory. (The agent gateway finds Asset on this
        //    process's internal endpoint by itself when AgentGateway:AssetAddress is not set.)
        if (rolesValid && ServerOptionsValidator.IsSingleNode(roles))
        {
            SingleNodeSecrets.AddSigningKeyIfMissing(configuration, dataDirectory);
        }

        // ASP.NET Core starts an Activity for every request whenever its hosting logger is on at any level, only to
        // correlate log scopes; through the edge that is two per call, plus a traceparent the hop writes and the role
        // parses. Requests get Activities when a tracer listens (ActivitySource "Microsoft.AspNetCore"), not for logs.
        // Decided here, for the whole process, not by one role.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);

        // A fleet of agents reconnects at once after a restart: a deeper accept queue than Kestrel's 512, so their
        // connections wait for the accept loop instead of being dropped (the kernel caps it at net.core.somaxconn).
        services.Configure<SocketTransportOptions>(sockets => sockets.Backlog = 4096);

        // Roles this process serves are also reachable in memory: the edge and the agent gateway hand calls for them
        // to the application directly instead of over a loopback HTTP/2 connection to the internal endpoint.
        services.AddInProcessServer();
        services.AddOptions<ServerOptions>().BindConfiguration(string.Empty).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ServerOptions>, ServerOptionsValidator>();
        services.AddSentinelDatabase();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(provider =>
        {
            var tls = provider.GetRequiredService<IOptions<ServerOptions>>().Value.Tls;
            var directory = string.IsNullOrWhiteSpace(tls.SelfSignedDirectory) ? Path.Combine(dataDirectory, "tls") : Path.GetFullPath(tls.SelfSignedDirectory, builder.Environment.ContentRootPath);
            return new OperatorCertificate(tls, directory, provider.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton(provider => Ports(provider.GetRequiredService<IOptions<ServerOptions>>().Value));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<MatcherPolicy, EndpointPortPolicy>());

        // The agent-gateway role configures its own endpoint (TLS from the platform CA, client certificates) through a keyed hook.
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<ServerOptions>, IServiceProvider>((kestrel, server, provider) =>
            ConfigureEndpoints(kestrel, server.Value, provider.GetRequiredService<OperatorCertificate>(), provider.GetKeyedService<Action<KestrelListenOptions>>(AgentEndpoint.ServiceKey)));
        services.AddOptions<HostOptions>().Configure<IOptions<ServerOptions>>((host, server) => host.ShutdownTimeout = server.Value.Shutdown.DrainTimeout);

        // 2. Every role's methods are enforced in the process that serves them (health and reflection are exempt).
        services.AddGrpc();
        services.AddSentinelAccessControl();
        services.AddGrpcReflection();
        services.AddGrpcHealthChecks();

        // Readiness reaches gRPC health (and so the gateway's active checks) within seconds, not the default 30 s.
        services.Configure<HealthCheckPublisherOptions>(publisher =>
        {
            publisher.Delay = TimeSpan.FromSeconds(1);
            publisher.Period = TimeSpan.FromSeconds(5);
        });

        // An invalid Roles setting registers no role; options validation then stops start-up naming it.
        if (rolesValid)
        {
            foreach (var module in RoleModules.For(roles))
            {
                module.Add(builder);
            }
        }

        return builder;
    }

    public static WebApplication MapSentinelServer(this WebApplication app)
    {
        app.MapGrpcReflectionService();
        app.MapGrpcHealthChecksService();
        app.MapHealthChecks("/healthz", new() { Predicate = _ => false }).WithMetadata(ManagementEndpointMetadata.Instance);
        app.MapHealthChecks("/readyz", new() { Predicate = check => check.Tags.Contains("ready") }).WithMetadata(ManagementEndpointMetadata.Instance);

        var options = app.Services.GetRequiredService<IOptions<ServerOptions>>();
        if (RoleSet.TryParse(app.Configuration["Roles"] ?? new ServerOptions().Roles, out var roles, out _))
        {
            foreach (var module in RoleModules.For(roles))
            {
                module.Map(app);
            }
        }

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("SentinelSync.Server");
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var server = options.Value;
            var certificate = app.Services.GetRequiredService<OperatorCertificate>();
            if (certificate.IsLoaded)
            {
                ServerLog.Certificate(logger, certificate.Path, certificate.SelfSigned, certificate.Fingerprint);
            }

            ServerLog.Started(
                logger,
                roles.ToString(),
                roles.Contains("gateway") ? OperatorUrl(server) : "(off)",
                server.Listen.Internal,
                roles.Contains("agent-gateway") ? server.Listen.Agent : "(off)",
                server.Listen.Management);
        });
        app.Lifetime.ApplicationStopping.Register(() => ServerLog.Draining(logger, options.Value.Shutdown.DrainTimeout));
        return app;
    }

    private static string OperatorUrl(ServerOptions server) => server.Tls.Mode == TlsMode.Off
        ? server.Listen.Operator.Replace("https://", "http://", StringComparison.Ordinal)
        : server.Listen.Operator;

    private static ServerPorts Ports(ServerOptions server)
    {
        RoleSet.TryParse(server.Roles, out var roles, out _);
        static int Port(string url) => ListenAddress.TryParse(url, out var address, out _) ? address.Port : -1;
        return new ServerPorts(
            roles.Contains("gateway") ? Port(server.Listen.Operator) : -1,
            Port(server.Listen.Internal),
            roles.Contains("agent-gateway") ? Port(server.Listen.Agent) : -1,
            Port(server.Listen.Management));
    }

    private static void ConfigureEndpoints(KestrelServerOptions kestrel, ServerOptions server, OperatorCertificate certificate, Action<KestrelListenOptions>? configureAgentEndpoint)
    {
        // Validation has run by the time Kestrel asks for its options; a parse failure here is a bug.
        RoleSet.TryParse(server.Roles, out var roles, out _);
        if (roles.Contains("gateway"))
        {
            // The edge: HTTP/1.1 (REST, browsers) and HTTP/2 over TLS with ALPN; HTTP/2 only without TLS (h2c).
            var tls = server.Tls.Mode != TlsMode.Off && ListenAddress.TryParse(server.Listen.Operator, out var address, out _) && address.Tls;
            Listen(kestrel, server.Listen.Operator, tls ? HttpProtocols.Http1AndHttp2 : HttpProtocols.Http2, tls, certificate);
        }

        Listen(kestrel, server.Listen.Internal, HttpProtocols.Http2, null, certificate);
        if (roles.Contains("agent-gateway"))
        {
            Listen(kestrel, server.Listen.Agent, HttpProtocols.Http2, null, certificate, configureAgentEndpoint);
        }

        Listen(kestrel, server.Listen.Management, HttpProtocols.Http1AndHttp2, null, certificate);
    }

    private static void Listen(KestrelServerOptions kestrel, string url, HttpProtocols protocols, bool? tls, OperatorCertificate certificate, Action<KestrelListenOptions>? configure = null)
    {
        if (!ListenAddress.TryParse(url, out var address, out var error))
        {
            throw new OptionsValidationException(url, typeof(ServerOptions), [error]);
        }

        void Configure(KestrelListenOptions listen)
        {
            listen.Protocols = protocols;
            if (configure is not null)
            {
                configure(listen);
            }
            else if (tls ?? address.Tls)
            {
                // TLS with ALPN: HTTP/2 negotiated as h2, HTTP/1.1 where the endpoint allows it.
                listen.UseHttps(certificate.Certificate);
            }
        }

        if (address.Localhost)
        {
            kestrel.ListenLocalhost(address.Port, Configure);
        }
        else
        {
            kestrel.Listen(address.Address!, address.Port, Configure);
        }
    }
}
