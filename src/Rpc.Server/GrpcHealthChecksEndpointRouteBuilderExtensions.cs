using Grpc.AspNetCore.HealthChecks;
using Grpc.AspNetCore.Server.Internal;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the <c>grpc.health.v1.Health</c> service.</summary>
public static class GrpcHealthChecksEndpointRouteBuilderExtensions
{
    /// <summary>Maps <c>grpc.health.v1.Health</c> (Check and Watch) over the <see cref="ServingStatusBoard"/>.</summary>
    /// <param name="builder">The application's endpoints.</param>
    /// <returns>A builder that applies conventions to the service's endpoints.</returns>
    /// <exception cref="InvalidOperationException"><c>AddGrpc</c> or <c>AddGrpcHealthChecks</c> was not called.</exception>
    public static GrpcServiceEndpointConventionBuilder MapGrpcHealthChecksService(this IEndpointRouteBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.ServiceProvider.GetService<ServingStatusBoard>() is null)
        {
            throw new InvalidOperationException(
                "Unable to find the gRPC health services. Add them by calling 'IServiceCollection.AddGrpcHealthChecks()' while configuring the application's services.");
        }

        return builder.MapGrpcService<HealthService>();
    }
}
