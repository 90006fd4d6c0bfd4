using Grpc.Core;

namespace Grpc.AspNetCore.Server;

/// <summary>
/// Endpoint metadata of a gRPC method's endpoint: middleware (authorization, rate limiting) reads which
/// service and method a request calls.
/// </summary>
public sealed class GrpcMethodMetadata
{
    /// <summary>Creates the metadata.</summary>
    public GrpcMethodMetadata(Type serviceType, IMethod method)
    {
        ServiceType = serviceType ?? throw new ArgumentNullException(nameof(serviceType));
        Method = method ?? throw new ArgumentNullException(nameof(method));
    }

    /// <summary>The implementation type mapped with <c>MapGrpcService</c>.</summary>
    public Type ServiceType { get; }

    /// <summary>The method.</summary>
    public IMethod Method { get; }
}
