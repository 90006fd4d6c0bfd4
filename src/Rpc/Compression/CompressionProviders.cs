namespace Grpc.Net.Compression;

/// <summary>The compression providers a channel or server knows by default.</summary>
public static class CompressionProviders
{
    /// <summary>gzip only; <c>identity</c> needs no provider.</summary>
    public static IReadOnlyList<ICompressionProvider> Default { get; } = [new GzipCompressionProvider()];
}
