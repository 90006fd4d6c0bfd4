using System.Diagnostics.CodeAnalysis;
using Grpc.AspNetCore.Server.Internal;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps gRPC services to endpoints.</summary>
public static class GrpcEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps every method of a generated service (a class deriving from the generated <c>…Base</c>) to a
    /// <c>POST /{service}/{method}</c> endpoint. An instance is resolved per call from the request's services,
    /// or created (and disposed after the call) when it is not registered.
    /// </summary>
    /// <typeparam name="TService">The service implementation.</typeparam>
    /// <param name="builder">The application's endpoints.</param>
    /// <returns>A builder that applies conventions to all the service's endpoints.</returns>
    /// <exception cref="InvalidOperationException"><c>AddGrpc</c> was not called, or the type is not a generated service.</exception>
    public static GrpcServiceEndpointConventionBuilder MapGrpcService<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors | DynamicallyAccessedMemberTypes.PublicMethods)] TService>(this IEndpointRouteBuilder builder)
        where TService : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        return ServiceEndpointMapper.Map<TService>(builder);
    }
}
