using Grpc.AspNetCore.Server;
using Grpc.AspNetCore.Server.Internal;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Further configuration of the gRPC server.</summary>
public static class GrpcServerBuilderExtensions
{
    /// <summary>
    /// Configures the options of one service. They start from the global options; interceptors added here
    /// run inside the global ones.
    /// </summary>
    /// <typeparam name="TService">The service type, as given to <c>MapGrpcService</c>.</typeparam>
    /// <param name="builder">The builder from <c>AddGrpc</c>.</param>
    /// <param name="configure">Changes the service's options.</param>
    /// <returns>The builder.</returns>
    public static IGrpcServerBuilder AddServiceOptions<TService>(this IGrpcServerBuilder builder, Action<GrpcServiceOptions<TService>> configure)
        where TService : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);

        // The copy of the global options must run before the caller's changes: registered first.
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<GrpcServiceOptions<TService>>, GrpcServiceOptionsSetup<TService>>());
        builder.Services.Configure(configure);
        return builder;
    }
}
