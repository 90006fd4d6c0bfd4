using Grpc.AspNetCore.Server.Internal;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds gRPC server reflection.</summary>
public static class GrpcReflectionServiceExtensions
{
    /// <summary>
    /// Adds server reflection (<c>grpc.reflection.v1</c> and <c>v1alpha</c>) describing every mapped service, so
    /// that grpcurl, <c>buf curl</c> and similar tools can call them without the protos. Map it with
    /// <c>MapGrpcReflectionService()</c>.
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddGrpcReflection(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<ServiceCatalog>();
        services.TryAddSingleton<ReflectionIndexSource>();
        services.TryAddSingleton<ReflectionServiceV1>();
        services.TryAddSingleton<ReflectionServiceV1Alpha>();
        return services;
    }
}
