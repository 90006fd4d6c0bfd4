using System.IO.Compression;
using Grpc.Net.Compression;

namespace Grpc.AspNetCore.Server;

/// <summary>Options of the gRPC services hosted by ASP.NET Core.</summary>
/// <remarks>
/// Read once, when the services are mapped: later changes do not affect mapped services. Per-service
/// options (<see cref="GrpcServiceOptions{TService}"/>) start from these values.
/// </remarks>
public class GrpcServiceOptions
{
    /// <summary>The default <see cref="MaxReceiveMessageSize"/>: 4 MiB.</summary>
    public const int DefaultMaxReceiveMessageSize = 4 * 1024 * 1024;

    /// <summary>
    /// The largest request message accepted, in bytes (before and after decompression); null for no
    /// limit. A larger message fails the call with <c>RESOURCE_EXHAUSTED</c> before it is buffered.
    /// Defaults to 4 MiB.
    /// </summary>
    public int? MaxReceiveMessageSize { get; set; } = DefaultMaxReceiveMessageSize;

    /// <summary>
    /// The largest response message sent, in bytes; null (the default) for no limit. A larger message
    /// fails the write with <c>RESOURCE_EXHAUSTED</c>.
    /// </summary>
    public int? MaxSendMessageSize { get; set; }

    /// <summary>
    /// Whether the status of a call that failed with an exception other than <c>RpcException</c> carries
    /// the exception's type and message. Off by default: they may reveal internals to callers.
    /// </summary>
    public bool? EnableDetailedErrors { get; set; }

    /// <summary>
    /// The encoding (for example <c>gzip</c>) used to compress responses of every call whose client
    /// accepts it (<c>grpc-accept-encoding</c>); null (the default) sends responses uncompressed.
    /// </summary>
    public string? ResponseCompressionAlgorithm { get; set; }

    /// <summary>The compression level of responses; null for the provider's default.</summary>
    public CompressionLevel? ResponseCompressionLevel { get; set; }

    /// <summary>
    /// The compression providers, by encoding name, for requests and responses. Defaults to gzip.
    /// <c>identity</c> needs no provider.
    /// </summary>
    public IList<ICompressionProvider> CompressionProviders { get; set; } = new List<ICompressionProvider>(Grpc.Net.Compression.CompressionProviders.Default);

    /// <summary>
    /// Server interceptors run around every call, in order: the first added is the outermost.
    /// </summary>
    public InterceptorCollection Interceptors { get; } = [];

    /// <summary>
    /// Whether calls to services that are not mapped fall through to the rest of the application instead of
    /// failing with <c>UNIMPLEMENTED</c>. Off by default.
    /// </summary>
    public bool? IgnoreUnknownServices { get; set; }
}
