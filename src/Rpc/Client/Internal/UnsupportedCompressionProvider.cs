using System.IO.Compression;
using Grpc.Core;
using Grpc.Net.Compression;

namespace Grpc.Net.Client.Internal;

/// <summary>
/// Stands for a response <c>grpc-encoding</c> the channel does not know: uncompressed messages still read,
/// a compressed one fails the call with UNIMPLEMENTED, as in grpc-dotnet.
/// </summary>
internal sealed class UnsupportedCompressionProvider : ICompressionProvider
{
    private readonly string _supportedEncodings;

    public UnsupportedCompressionProvider(string encodingName, string supportedEncodings)
    {
        EncodingName = encodingName;
        _supportedEncodings = supportedEncodings;
    }

    public string EncodingName { get; }

    public Stream CreateCompressionStream(Stream stream, CompressionLevel? compressionLevel) => throw Unsupported();

    public Stream CreateDecompressionStream(Stream stream) => throw Unsupported();

    private RpcException Unsupported() =>
        new(new Status(StatusCode.Unimplemented, $"Unsupported grpc-encoding value '{EncodingName}'. Supported encodings: {_supportedEncodings}"));
}
