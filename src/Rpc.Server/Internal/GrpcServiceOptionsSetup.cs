using Microsoft.Extensions.Options;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>Starts a service's options from the global ones.</summary>
internal sealed class GrpcServiceOptionsSetup<TService> : IConfigureOptions<GrpcServiceOptions<TService>>
    where TService : class
{
    private readonly GrpcServiceOptions _global;

    public GrpcServiceOptionsSetup(IOptions<GrpcServiceOptions> global) => _global = global.Value;

    public void Configure(GrpcServiceOptions<TService> options)
    {
        options.MaxReceiveMessageSize = _global.MaxReceiveMessageSize;
        options.MaxSendMessageSize = _global.MaxSendMessageSize;
        options.EnableDetailedErrors = _global.EnableDetailedErrors;
        options.ResponseCompressionAlgorithm = _global.ResponseCompressionAlgorithm;
        options.ResponseCompressionLevel = _global.ResponseCompressionLevel;
        options.CompressionProviders = new List<Net.Compression.ICompressionProvider>(_global.CompressionProviders);
        options.IgnoreUnknownServices = _global.IgnoreUnknownServices;
        options.Interceptors.AddRange(_global.Interceptors);
    }
}
