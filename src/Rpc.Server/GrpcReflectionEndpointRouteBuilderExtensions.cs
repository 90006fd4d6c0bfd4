using Grpc.AspNetCore.Server.Internal;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps gRPC server reflection.</summary>
public static class GrpcReflectionEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>grpc.reflection.v1.ServerReflection</c> and <c>grpc.reflection.v1alpha.ServerReflection</c>. They
    /// describe every service mapped in the application, themselves included.
    /// </summary>
    /// <param name="builder">The application's endpoints.</param>
    /// <returns>A builder that applies conventions to the endpoints of both versions.</returns>
    /// <exception cref="InvalidOperationException"><c>AddGrpc</c> or <c>AddGrpcReflection</c> was not called.</exception>
    public static GrpcServiceEndpointConventionBuilder MapGrpcReflectionService(this IEndpointRouteBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.ServiceProvider.GetService<ReflectionIndexSource>() is null)
        {
            throw new InvalidOperationException(
                "Unable to find the gRPC reflection services. Add them by calling 'IServiceCollection.AddGrpcReflection()' while configuring the application's services.");
        }

        var v1 = builder.MapGrpcService<ReflectionServiceV1>();
        var v1Alpha = builder.MapGrpcService<ReflectionServiceV1Alpha>();
        return new GrpcServiceEndpointConventionBuilder([v1, v1Alpha]);
    }
}
