using Microsoft.Extensions.DependencyInjection;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>The builder <c>AddGrpc</c> returns.</summary>
internal sealed class GrpcServerBuilder : IGrpcServerBuilder
{
    public GrpcServerBuilder(IServiceCollection services) => Services = services;

    public IServiceCollection Services { get; }
}
