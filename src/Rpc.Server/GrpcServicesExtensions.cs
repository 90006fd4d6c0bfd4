using Grpc.AspNetCore.Server;
using Grpc.AspNetCore.Server.Internal;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the gRPC server to an application's services.</summary>
public static class GrpcServicesExtensions
{
    /// <summary>
    /// Adds what gRPC services hosted by ASP.NET Core need. Map services with
    /// <c>MapGrpcService&lt;TService&gt;()</c>.
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="configureOptions">Configures <see cref="GrpcServiceOptions"/> for every service.</param>
    /// <returns>A builder for further gRPC configuration.</returns>
    public static IGrpcServerBuilder AddGrpc(this IServiceCollection services, Action<GrpcServiceOptions>? configureOptions = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddRouting();
        services.AddOptions();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<GrpcMarkerService>();
        services.TryAddSingleton<ServiceCatalog>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<MatcherPolicy, UnimplementedMatcherPolicy>());
        if (configureOptions is not null)
        {
            services.Configure(configureOptions);
        }

        return new GrpcServerBuilder(services);
    }
}
