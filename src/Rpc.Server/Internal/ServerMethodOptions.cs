using System.Collections.Frozen;
using System.IO.Compression;
using Grpc.Core.Interceptors;
using Grpc.Core.Internal;
using Grpc.Net.Compression;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>The options of a service, resolved once when it is mapped and shared by its calls.</summary>
internal sealed class ServerMethodOptions
{
    private ServerMethodOptions(GrpcServiceOptions options, InstanceActivator<Interceptor>[] interceptors)
    {
        MaxReceiveMessageSize = options.MaxReceiveMessageSize;
        MaxSendMessageSize = options.MaxSendMessageSize;
        EnableDetailedErrors = options.EnableDetailedErrors ?? false;
        ResponseCompressionLevel = options.ResponseCompressionLevel;
        IgnoreUnknownServices = options.IgnoreUnknownServices ?? false;
        Interceptors = interceptors;

        var providers = new Dictionary<string, ICompressionProvider>(StringComparer.Ordinal);
        foreach (var provider in options.CompressionProviders)
        {
            // The first provider of a name wins, as in grpc-dotnet.
            providers.TryAdd(provider.EncodingName, provider);
        }

        CompressionProviders = providers.ToFrozenDictionary(StringComparer.Ordinal);
        AcceptEncoding = string.Join(',', new[] { GrpcProtocol.IdentityEncoding }.Concat(providers.Keys));

        var algorithm = options.ResponseCompressionAlgorithm;
        if (algorithm is not null && !string.Equals(algorithm, GrpcProtocol.IdentityEncoding, StringComparison.Ordinal))
        {
            if (!providers.TryGetValue(algorithm, out var responseProvider))
            {
                throw new InvalidOperationException(
                    $"GrpcServiceOptions.ResponseCompressionAlgorithm is '{algorithm}', but no compression provider has that name. Known: {AcceptEncoding}.");
            }

            ResponseCompressionProvider = responseProvider;
        }
    }

    public int? MaxReceiveMessageSize { get; }

    public int? MaxSendMessageSize { get; }

    public bool EnableDetailedErrors { get; }

    /// <summary>The provider that compresses every response the client accepts it for; null for none.</summary>
    public ICompressionProvider? ResponseCompressionProvider { get; }

    public CompressionLevel? ResponseCompressionLevel { get; }

    public bool IgnoreUnknownServices { get; }

    public FrozenDictionary<string, ICompressionProvider> CompressionProviders { get; }

    /// <summary>The <c>grpc-accept-encoding</c> value: identity and every provider.</summary>
    public string AcceptEncoding { get; }

    /// <summary>Interceptors, outermost first.</summary>
    public InstanceActivator<Interceptor>[] Interceptors { get; }

    public static ServerMethodOptions Create(GrpcServiceOptions options, IServiceProvider services)
    {
        if (options.MaxReceiveMessageSize < 0)
        {
            throw new InvalidOperationException($"GrpcServiceOptions.MaxReceiveMessageSize is {options.MaxReceiveMessageSize}; it must be zero or more, or null for no limit.");
        }

        if (options.MaxSendMessageSize < 0)
        {
            throw new InvalidOperationException($"GrpcServiceOptions.MaxSendMessageSize is {options.MaxSendMessageSize}; it must be zero or more, or null for no limit.");
        }

        var interceptors = new InstanceActivator<Interceptor>[options.Interceptors.Count];
        for (var i = 0; i < interceptors.Length; i++)
        {
            interceptors[i] = new InstanceActivator<Interceptor>(options.Interceptors[i].Type, options.Interceptors[i].Arguments, services);
        }

        return new ServerMethodOptions(options, interceptors);
    }
}
