using System.IO.Compression;

namespace Grpc.Net.Compression;

/// <summary>gzip message compression.</summary>
public sealed class GzipCompressionProvider : ICompressionProvider
{
    private readonly CompressionLevel _defaultCompressionLevel;

    /// <summary>Creates the provider with a default level.</summary>
    public GzipCompressionProvider(CompressionLevel defaultCompressionLevel = CompressionLevel.Fastest) =>
        _defaultCompressionLevel = defaultCompressionLevel;

    /// <inheritdoc />
    public string EncodingName => "gzip";

    /// <inheritdoc />
    public Stream CreateCompressionStream(Stream stream, CompressionLevel? compressionLevel) =>
        new GZipStream(stream, compressionLevel ?? _defaultCompressionLevel, leaveOpen: true);

    /// <inheritdoc />
    public Stream CreateDecompressionStream(Stream stream) => new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true);
}
