using System.Net;
using Grpc.Core.Internal;

namespace Grpc.Net.Client.Internal;

/// <summary>
/// The body of a client- or duplex-streaming request. The handler calls <see cref="SerializeToStreamAsync(Stream, TransportContext?, CancellationToken)"/>
/// once the request headers are out; the body then stays open, and the call's writer writes into the
/// stream, until the writer completes (END_STREAM) or the call ends (the stream is reset).
/// </summary>
internal sealed class StreamingRequestContent<TRequest, TResponse> : HttpContent
    where TRequest : class
    where TResponse : class
{
    private readonly ClientStreamWriter<TRequest, TResponse> _writer;

    public StreamingRequestContent(ClientStreamWriter<TRequest, TResponse> writer)
    {
        _writer = writer;
        Headers.TryAddWithoutValidation("Content-Type", GrpcProtocol.ContentType);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        _writer.OnRequestStreamAvailable(stream);

        // The handler cancels the token when the HTTP/2 stream ends first (for example the server
        // answered with its status before the client completed); the body must stop waiting then.
        var completion = _writer.RequestCompletion;
        return cancellationToken.CanBeCanceled && !completion.IsCompleted ? completion.WaitAsync(cancellationToken) : completion;
    }

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }
}
