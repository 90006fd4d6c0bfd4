using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using SentinelSync.AgentGateway;
using SentinelSync.Storage;

namespace SentinelSync.Server.Hosting;

/// <summary>Composes the server: options, Kestrel endpoints, the gRPC runtime, probes, and the chosen roles.</summary>
internal static class ServerBuilderExtensions
{
    public static WebApplicationBuilder AddSentinelServer(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ServerOptions>().BindConfiguration(string.Empty).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ServerOptions>, ServerOptionsValidator>();
        services.AddSentinelDatabase();
        services.AddSingleton(TimeProvider.System);

        // The agent-gateway role configures its own endpoint (TLS from the platform CA, client certificates) through a keyed hook.
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<ServerOptions>, IServiceProvider>((kestrel, server, provider) =>
            ConfigureEndpoints(kestrel, server.Value, provider.GetKeyedService<Action<Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions>>(AgentEndpoint.ServiceKey)));
        services.AddOptions<HostOptions>().Configure<IOptions<ServerOptions>>((host, server) => host.ShutdownTimeout = server.Value.Shutdown.DrainTimeout);

        services.AddGrpc();
        services.AddGrpcReflection();
        services.AddGrpcHealthChecks();

        // An invalid Roles setting registers no role; options validation then stops start-up naming it.
        if (RoleSet.TryParse(builder.Configuration["Roles"] ?? new ServerOptions().Roles, out var roles, out _))
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
        app.MapHealthChecks("/healthz", new() { Predicate = _ => false });
        app.MapHealthChecks("/readyz", new() { Predicate = check => check.Tags.Contains("ready") });

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
            ServerLog.Started(logger, roles.ToString(), server.Listen.Operator, roles.Contains("agent-gateway") ? server.Listen.Agent : "(off)", server.Listen.Management);
        });
        app.Lifetime.ApplicationStopping.Register(() => ServerLog.Draining(logger, options.Value.Shutdown.DrainTimeout));
        return app;
    }

    private static void ConfigureEndpoints(KestrelServerOptions kestrel, ServerOptions server, Action<Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions>? configureAgentEndpoint)
    {
        // Validation has run by the time Kestrel asks for its options; a parse failure here is a bug.
        RoleSet.TryParse(server.Roles, out var roles, out _);
        X509Certificate2? certificate = null;
        X509Certificate2 Certificate() => certificate ??= X509Certificate2.CreateFromPemFile(server.Tls.CertificatePath, server.Tls.KeyPath);

        Listen(kestrel, server.Listen.Operator, HttpProtocols.Http2, Certificate);
        if (roles.Contains("agent-gateway"))
        {
            Listen(kestrel, server.Listen.Agent, HttpProtocols.Http2, Certificate, configureAgentEndpoint);
        }

        Listen(kestrel, server.Listen.Management, HttpProtocols.Http1AndHttp2, Certificate);
    }

    private static void Listen(KestrelServerOptions kestrel, string url, HttpProtocols protocols, Func<X509Certificate2> certificate, Action<Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions>? configure = null)
    {
        if (!ListenAddress.TryParse(url, out var address, out var error))
        {
            throw new OptionsValidationException(url, typeof(ServerOptions), [error]);
        }

        void Configure(Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions listen)
        {
            listen.Protocols = protocols;
            if (configure is not null)
            {
                configure(listen);
            }
            else if (address.Tls)
            {
                // TLS with ALPN: HTTP/2 negotiated as h2, HTTP/1.1 where the endpoint allows it.
                listen.UseHttps(certificate());
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
