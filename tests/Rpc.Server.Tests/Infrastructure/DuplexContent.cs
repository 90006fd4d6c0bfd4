using System.Net;
using System.Threading.Channels;

namespace SentinelSync.Rpc.Server.Tests;

/// <summary>
/// A request body the test writes while the call runs: every <see cref="SendAsync"/> is written and flushed
/// on its own, so it leaves as its own HTTP/2 DATA frame(s); <see cref="Complete"/> ends the stream.
/// </summary>
public sealed class DuplexContent : HttpContent
{
    private readonly Channel<(byte[] Bytes, TaskCompletionSource Written)> _chunks = Channel.CreateUnbounded<(byte[], TaskCompletionSource)>();
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the body ended: normally, or with the exception the transport raised (a reset).</summary>
    public Task Finished => _finished.Task;

    /// <summary>Writes and flushes bytes; completes once the transport has taken them.</summary>
    public Task SendAsync(byte[] bytes)
    {
        var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_chunks.Writer.TryWrite((bytes, written)))
        {
            throw new InvalidOperationException("The request body is already complete.");
        }

        return WaitWrittenAsync(written.Task);
    }

    private async Task WaitWrittenAsync(Task written)
    {
        // The body may end (a reset) before it takes these bytes: then the write fails as the body did.
        await Task.WhenAny(written, Finished).WaitAsync(TestTimeouts.Call);
        if (written.IsCompleted)
        {
            await written;
            return;
        }

        await Finished;
        throw new InvalidOperationException("The request body ended before these bytes were written.");
    }

    /// <summary>Ends the request stream (END_STREAM).</summary>
    public void Complete() => _chunks.Writer.TryComplete();

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    // HttpClient resets the stream only once the request body gives up: the wait must observe the request's token.
    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var (bytes, written) in _chunks.Reader.ReadAllAsync(cancellationToken))
            {
                try
                {
                    await stream.WriteAsync(bytes, cancellationToken);
                    await stream.FlushAsync(cancellationToken);
                    written.TrySetResult();
                }
                catch (Exception ex)
                {
                    written.TrySetException(ex);
                    throw;
                }
            }

            _finished.TrySetResult();
        }
        catch (Exception ex)
        {
            _finished.TrySetException(ex);
            throw;
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
