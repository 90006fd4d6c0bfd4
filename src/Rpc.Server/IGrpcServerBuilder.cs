namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Configures the gRPC services of an application; returned by <c>AddGrpc</c>.</summary>
public interface IGrpcServerBuilder
{
    /// <summary>The application's services.</summary>
    IServiceCollection Services { get; }
}
