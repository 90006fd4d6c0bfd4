using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SentinelSync.Contracts;
using SentinelSync.Gateway.Internal;
using SentinelSync.InProcess;
using SentinelSync.Gateway.Transcoding;
using SentinelSync.Security;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Transforms;

namespace SentinelSync.Gateway;

/// <summary>Composes the gateway role (the operators' edge, and the auth role it serves) into a host.</summary>
public static class GatewayHostingExtensions
{
    /// <summary>The OpenAPI document's path.</summary>
    public const string OpenApiPath = "/openapi.json";

    /// <summary>
    /// Registers the gateway: the auth role (<c>AddAuth</c>), edge authentication, rate limiting, REST transcoding,
    /// and the reverse proxy with one route per contract service, one cluster per role (section <c>Gateway</c>),
    /// active gRPC health checks and passive failure detection. Needs <c>Database:ConnectionString</c> and
    /// <c>Security:InternalSigningKey</c>.
    /// </summary>
    /// <param name="builder">The host's builder.</param>
    public static WebApplicationBuilder AddGateway(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;

        builder.AddAuth();
        services.AddSentinelAuthentication();
        services.AddSentinelRateLimiting();
        services.AddTranscoding();

        services.AddOptions<GatewayOptions>().BindConfiguration(GatewayOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>();
        services.AddSingleton(provider => GatewayRouteTable.Create(
            ContractCatalog.Services,
            provider.GetRequiredService<IOptions<GatewayOptions>>().Value,
            InternalEndpoint.Address(provider.GetRequiredService<IConfiguration>())));
        services.AddSingleton<EdgeAuthorization>();
        services.AddSingleton<BackendChannels>();
        services.AddSingleton<LocalRoleTransport>();
        services.AddSingleton<LocalEndpointDispatch>();

        // A call whose replica refuses the connection moves to another replica (ConnectFailoverHandler), which
        // learns the call's cluster from the context this transform hands it.
        services.AddSingleton<IForwarderHttpClientFactory, FailoverForwarderHttpClientFactory>();
        services.AddReverseProxy().AddTransforms(transforms => transforms.AddRequestTransform(transform =>
        {
            transform.ProxyRequest.Options.Set(ConnectFailoverHandler.ContextKey, transform.HttpContext);
            return ValueTask.CompletedTask;
        }));
        services.AddSingleton<IProxyConfigProvider>(provider =>
        {
            var table = provider.GetRequiredService<GatewayRouteTable>();
            var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger("SentinelSync.Gateway");
            GatewayLog.RoutesBuilt(logger, table.Routes.Count, table.Clusters.Count);
            foreach (var cluster in table.Clusters)
            {
                GatewayLog.RoleAddresses(logger, cluster.ClusterId, string.Join(", ", cluster.Destinations!.Values.Select(d => d.Address)));
            }

            return new InMemoryConfigProvider(table.Routes, table.Clusters);
        });

        // Active health checks are real gRPC health calls; YARP's monitor schedules them and this policy reads them.
        services.AddSingleton<IProbingRequestFactory, GrpcHealthProbeFactory>();
        services.AddSingleton<IActiveHealthCheckPolicy, GrpcHealthCheckPolicy>();
        services.AddOptions<TransportFailureRateHealthPolicyOptions>().Configure<IOptions<GatewayOptions>>((failure, gateway) =>
        {
            failure.MinimalTotalCountThreshold = gateway.Value.FailureMinimalCallCount;
            failure.DefaultFailureRateLimit = gateway.Value.FailureRateLimit;
        });
        return builder;
    }

    /// <summary>
    /// Maps the edge: proxied gRPC routes, REST transcoding and the OpenAPI document (all marked with
    /// <see cref="EdgeEndpointMetadata"/>), with security headers, request limits, authentication, rate limiting and
    /// the access decision in front of them; and <c>sentinel.auth.v1.AuthService</c>.
    /// </summary>
    /// <param name="app">The application.</param>
    public static WebApplication MapGateway(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var edge = app.Services.GetRequiredService<EdgeAuthorization>();
        var local = app.Services.GetRequiredService<LocalEndpointDispatch>();

        // The edge authenticates in its own branch, and only requests that present credentials. WebApplication adds
        // authentication and authorization middleware in front of every endpoint of every port when the application
        // never called UseAuthentication/UseAuthorization itself (a branch's call does not count): every call would
        // be authenticated once more, a JWT verified or an API key looked up again, for nothing, since the roles
        // judge the signed principal and no endpoint carries ASP.NET Core authorization metadata. These are the marks
        // UseAuthentication and UseAuthorization leave.
        var properties = ((IApplicationBuilder)app).Properties;
        properties["__AuthenticationMiddlewareSet"] = true;
        properties["__AuthorizationMiddlewareSet"] = true;
        app.UseWhen(
            context => context.GetEndpoint()?.Metadata.GetMetadata<EdgeEndpointMetadata>() is not null,
            branch =>
            {
                branch.UseSentinelSecurityHeaders();
                branch.UseSentinelRequestLimits();
                branch.UseSentinelAuthentication();
                branch.UseRateLimiter();
                branch.Use((context, next) => edge.AuthorizeEndpointAsync(context, () => next(context)));
            });

        app.MapAuth();

        app.MapReverseProxy(pipeline =>
            {
                pipeline.Use((context, next) => edge.AuthorizeGrpcAsync(context, next));
                pipeline.UseLoadBalancing();
                pipeline.UsePassiveHealthChecks();
                pipeline.Use((context, next) => local.InvokeAsync(context, next));
            })
            .Add(endpoint => endpoint.Metadata.Add(EdgeEndpointMetadata.Instance));

        var table = app.Services.GetRequiredService<GatewayRouteTable>();

        // Agent-facing services are not routed (see GatewayRouteTable), but the edge still answers for them with the
        // access decision, then points a caller it would admit to the agent endpoint.
        foreach (var service in ContractCatalog.Services.Where(service => !table.RoleByService.ContainsKey(service.FullName)))
        {
            var message = $"{service.FullName} is served to agents on the agent endpoint (Listen:Agent), with the agent's client certificate; the operator edge does not route it.";
            app.MapPost("/" + service.FullName + "/{method}", context => GrpcTrailersOnly.WriteAsync(context, Grpc.Core.StatusCode.Unimplemented, message))
                .Add(endpoint =>
                {
                    endpoint.Metadata.Add(EdgeEndpointMetadata.Instance);
                    endpoint.Metadata.Add(AgentServiceEndpointMetadata.Instance);
                });
        }

        var channels = app.Services.GetRequiredService<BackendChannels>();
        var routed = ContractCatalog.Services.Where(service => table.RoleByService.ContainsKey(service.FullName)).ToList();
        var backend = new TranscodingBackend((_, method) => channels.For(method))
        {
            ConfigureCall = (context, method, options) => edge.SignCall(context, MethodAccessTable.Path(method), options),
        };
        app.MapTranscoding(routed, backend).Add(endpoint => endpoint.Metadata.Add(EdgeEndpointMetadata.Instance));
        app.MapOpenApiDocument(OpenApiPath, routed).Add(endpoint => endpoint.Metadata.Add(EdgeEndpointMetadata.Instance));
        return app;
    }
}
