using Grpc.AspNetCore.HealthChecks;
using Grpc.AspNetCore.Server.Internal;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the <c>grpc.health.v1.Health</c> service.</summary>
public static class GrpcHealthChecksServiceExtensions
{
    /// <summary>
    /// Adds <c>grpc.health.v1.Health</c> and its <see cref="ServingStatusBoard"/>. Every mapped gRPC service is
    /// SERVING once the application has started and NOT_SERVING once it begins to stop; the application's
    /// health checks decide the server's overall status (the empty service name) in between. Map it with
    /// <c>MapGrpcHealthChecksService()</c>.
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <returns>The health checks builder, to add checks.</returns>
    public static IHealthChecksBuilder AddGrpcHealthChecks(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<ServingStatusBoard>();
        services.TryAddSingleton<ServiceCatalog>();
        services.TryAddSingleton<HealthService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Hosting.IHostedService, HealthStatusLifecycle>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHealthCheckPublisher, HealthCheckStatusPublisher>());
        return services.AddHealthChecks();
    }
}
