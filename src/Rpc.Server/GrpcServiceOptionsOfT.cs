namespace Grpc.AspNetCore.Server;

/// <summary>Options of one gRPC service; they start from the global <see cref="GrpcServiceOptions"/>.</summary>
/// <typeparam name="TService">The service type.</typeparam>
/// <remarks>Interceptors added here run inside the global ones.</remarks>
public class GrpcServiceOptions<TService> : GrpcServiceOptions
    where TService : class
{
}
