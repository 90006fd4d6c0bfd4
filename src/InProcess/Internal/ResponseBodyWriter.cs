using System.IO.Pipelines;

namespace SentinelSync.InProcess.Internal;

/// <summary>
/// The application's response body writer: the response pipe's writer, which starts the response on the first
/// write or flush (as a server sends the headers then), ends it on completion, and discards what is written after an
/// abort.
/// </summary>
internal sealed class ResponseBodyWriter : PipeWriter
{
    private readonly InProcessExchange _exchange;
    private readonly PipeWriter _inner;

    public ResponseBodyWriter(InProcessExchange exchange, PipeWriter inner)
    {
        _exchange = exchange;
        _inner = inner;
    }

    public override bool CanGetUnflushedBytes => _inner.CanGetUnflushedBytes;

    public override long UnflushedBytes => _inner.UnflushedBytes;

    public override void Advance(int bytes) => _inner.Advance(bytes);

    public override Memory<byte> GetMemory(int sizeHint = 0) => _inner.GetMemory(sizeHint);

    public override Span<byte> GetSpan(int sizeHint = 0) => _inner.GetSpan(sizeHint);

    public override void CancelPendingFlush() => _inner.CancelPendingFlush();

    public override void Complete(Exception? exception = null) => _ = CompleteAsync(exception).AsTask();

    public override ValueTask CompleteAsync(Exception? exception = null) => new(_exchange.CompleteAsync());

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        if (_exchange.IsAborted)
        {
            return new(new FlushResult(isCanceled: false, isCompleted: true));
        }

        return _exchange.HasStarted ? _inner.FlushAsync(cancellationToken) : StartThenFlushAsync(cancellationToken);
    }

    public override ValueTask<FlushResult> WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default)
    {
        if (_exchange.IsAborted)
        {
            return new(new FlushResult(isCanceled: false, isCompleted: true));
        }

        return _exchange.HasStarted ? _inner.WriteAsync(source, cancellationToken) : StartThenWriteAsync(source, cancellationToken);
    }

    private async ValueTask<FlushResult> StartThenFlushAsync(CancellationToken cancellationToken)
    {
        await _exchange.StartAsync(cancellationToken).ConfigureAwait(false);
        return await _inner.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<FlushResult> StartThenWriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken)
    {
        await _exchange.StartAsync(cancellationToken).ConfigureAwait(false);
        return await _inner.WriteAsync(source, cancellationToken).ConfigureAwait(false);
    }
}
