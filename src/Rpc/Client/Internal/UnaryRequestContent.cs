using System.Buffers;
using System.Net;
using Grpc.Core.Internal;

namespace Grpc.Net.Client.Internal;

/// <summary>
/// The body of a unary or server-streaming request: one message, framed before the request is sent,
/// in a pooled array.
/// </summary>
/// <remarks>
/// The array goes back to the pool when both the call is over and no send is using it: the handler may
/// still be writing (or retrying on a fresh connection) when a call ends early, so two owners count down.
/// </remarks>
internal sealed class UnaryRequestContent : HttpContent
{
    private readonly byte[] _buffer;
    private readonly int _length;
    private int _owners = 1;

    public UnaryRequestContent(byte[] buffer, int length)
    {
        _buffer = buffer;
        _length = length;
        Headers.TryAddWithoutValidation("Content-Type", GrpcProtocol.ContentType);
    }

    /// <summary>The call is done with the payload.</summary>
    public void ReleaseCallReference() => Release();

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        if (!TryAcquire())
        {
            return Task.FromCanceled(cancellationToken.IsCancellationRequested ? cancellationToken : new CancellationToken(true));
        }

        ValueTask write;
        try
        {
            write = stream.WriteAsync(_buffer.AsMemory(0, _length), cancellationToken);
        }
        catch
        {
            Release();
            throw;
        }

        if (write.IsCompletedSuccessfully)
        {
            Release();
            return Task.CompletedTask;
        }

        return AwaitAndRelease(write);
    }

    protected override bool TryComputeLength(out long length)
    {
        // Like grpc-dotnet, the request carries no content-length.
        length = -1;
        return false;
    }

    private async Task AwaitAndRelease(ValueTask write)
    {
        try
        {
            await write.ConfigureAwait(false);
        }
        finally
        {
            Release();
        }
    }

    private bool TryAcquire()
    {
        var owners = Volatile.Read(ref _owners);
        while (owners > 0)
        {
            var seen = Interlocked.CompareExchange(ref _owners, owners + 1, owners);
            if (seen == owners)
            {
                return true;
            }

            owners = seen;
        }

        return false;
    }

    private void Release()
    {
        if (Interlocked.Decrement(ref _owners) == 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }
    }
}
