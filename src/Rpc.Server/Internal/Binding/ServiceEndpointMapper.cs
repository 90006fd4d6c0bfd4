using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>
/// Maps a service: binds its methods once, makes an endpoint per method, a catch-all per service for its
/// unknown methods, and (once per route builder) a catch-all for unknown services.
/// </summary>
internal static partial class ServiceEndpointMapper
{
    private const string UnimplementedMethodParameter = "unimplementedMethod";
    private const string UnimplementedServiceParameter = "unimplementedService";

    private static readonly HttpMethodMetadata PostOnly = new([HttpMethods.Post]);

    public static GrpcServiceEndpointConventionBuilder Map<TService>(IEndpointRouteBuilder endpoints)
        where TService : class
    {
        var services = endpoints.ServiceProvider;
        if (services.GetService<GrpcMarkerService>() is null)
        {
            throw new InvalidOperationException(
                "Unable to find the required services. Add them by calling 'IServiceCollection.AddGrpc()' while configuring the application's services.");
        }

        // 1. Options, resolved once for every call of the service.
        var globalOptions = services.GetRequiredService<IOptions<GrpcServiceOptions>>().Value;
        var options = services.GetServices<IConfigureOptions<GrpcServiceOptions<TService>>>().Any()
            ? services.GetRequiredService<IOptions<GrpcServiceOptions<TService>>>().Value
            : globalOptions;
        var methodOptions = ServerMethodOptions.Create(options, services);
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger<ServerCallHandler>();
        var timeProvider = services.GetRequiredService<TimeProvider>();

        // 2. The generated BindService, called without an instance, lists the methods.
        var bindMethod = BindMethodFinder.FindBindMethod(typeof(TService), out var descriptor);
        var serviceActivator = new InstanceActivator<TService>(typeof(TService), [], services);
        var binder = new ServiceMethodBinder<TService>(method => new MethodContext(method, methodOptions, logger, timeProvider), serviceActivator);
        try
        {
            bindMethod.Invoke(null, [binder, null]);
        }
        catch (System.Reflection.TargetInvocationException ex) when (ex.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
            throw;
        }

        var serviceName = binder.Handlers.Count > 0 ? binder.Handlers[0].Method.Method.ServiceName : descriptor?.FullName
            ?? throw new InvalidOperationException($"Service type '{typeof(TService)}' binds no method and has no descriptor: nothing to map.");
        var catalog = services.GetRequiredService<ServiceCatalog>();
        if (!catalog.TryAdd(new MappedService(serviceName, typeof(TService), descriptor)))
        {
            throw new InvalidOperationException($"gRPC service '{serviceName}' is already mapped; map each service once.");
        }

        // 3. An endpoint per method: POST /{service}/{method}.
        var conventionBuilders = new List<IEndpointConventionBuilder>(binder.Handlers.Count + 1);
        foreach (var handler in binder.Handlers)
        {
            var method = handler.Method.Method;
            var endpoint = endpoints.Map(RoutePatternFactory.Parse(method.FullName), handler.HandleCallAsync)
                .WithMetadata(PostOnly, new GrpcMethodMetadata(typeof(TService), method))
                .WithDisplayName("gRPC - " + method.FullName);
            conventionBuilders.Add(endpoint);
            Log.MethodMapped(logger, method.FullName, method.Type);
        }

        // 4. Unknown methods of this service, and unknown services: UNIMPLEMENTED instead of a 404. Only gRPC
        //    requests reach them, and never on a mapped method's path (UnimplementedMatcherPolicy).
        var unknownMethod = endpoints.Map(
                RoutePatternFactory.Parse("/" + serviceName + "/{" + UnimplementedMethodParameter + "}"),
                httpContext => UnimplementedCallHandler.HandleUnknownMethodAsync(httpContext, logger))
            .WithMetadata(PostOnly, UnimplementedEndpointMetadata.UnknownMethod)
            .WithDisplayName("gRPC - Unimplemented method of " + serviceName);
        conventionBuilders.Add(unknownMethod);

        if (!(globalOptions.IgnoreUnknownServices ?? false) && catalog.TryClaimUnimplementedServiceRoute(endpoints))
        {
            endpoints.Map(
                    RoutePatternFactory.Parse("/{" + UnimplementedServiceParameter + "}/{" + UnimplementedMethodParameter + "}"),
                    httpContext => UnimplementedCallHandler.HandleUnknownServiceAsync(httpContext, logger))
                .WithMetadata(PostOnly, UnimplementedEndpointMetadata.UnknownService)
                .WithDisplayName("gRPC - Unimplemented service");
        }

        Log.ServiceMapped(logger, serviceName, typeof(TService), binder.Handlers.Count);
        return new GrpcServiceEndpointConventionBuilder(conventionBuilders);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2201, Level = LogLevel.Debug, EventName = "ServiceMapped", Message = "gRPC service '{ServiceName}' mapped to '{ServiceType}' with {MethodCount} methods.")]
        public static partial void ServiceMapped(ILogger logger, string serviceName, Type serviceType, int methodCount);

        [LoggerMessage(EventId = 2202, Level = LogLevel.Trace, EventName = "MethodMapped", Message = "gRPC method '{Method}' ({MethodType}) mapped.")]
        public static partial void MethodMapped(ILogger logger, string method, Grpc.Core.MethodType methodType);
    }
}
