namespace SentinelSync.Gateway.Transcoding;

/// <summary>
/// Settings of REST/JSON transcoding, bound from the <c>Transcoding</c> configuration section.
/// </summary>
public sealed class TranscodingOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Transcoding";

    /// <summary>The headers always forwarded to the backend as gRPC metadata.</summary>
    public static readonly IReadOnlyList<string> DefaultForwardedHeaders = ["x-request-id", "traceparent", "tracestate"];

    /// <summary>
    /// The largest request body accepted, in bytes (<c>Transcoding:MaxRequestBodySize</c>); a larger one is
    /// answered with 413. Default 4 MiB.
    /// </summary>
    public long MaxRequestBodySize { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// HTTP headers forwarded to the backend as gRPC metadata of the same (lower-case) name
    /// (<c>Transcoding:ForwardedHeaders</c>), in addition to <see cref="DefaultForwardedHeaders"/>.
    /// Authentication is the gateway's: it adds its own metadata per call, so <c>authorization</c> is not
    /// forwarded unless listed here.
    /// </summary>
    public List<string> ForwardedHeaders { get; set; } = [];

    /// <summary>
    /// Whether request headers named <c>Grpc-Metadata-&lt;key&gt;</c> are forwarded as metadata <c>&lt;key&gt;</c>,
    /// as grpc-gateway does (<c>Transcoding:ForwardGrpcMetadataHeaders</c>). Off by default, so that a REST
    /// client cannot set metadata the backends might trust; <c>authorization</c> and <c>cookie</c> are never
    /// forwarded this way.
    /// </summary>
    public bool ForwardGrpcMetadataHeaders { get; set; }
}
