using System.Buffers;
using System.IO.Pipelines;

namespace SentinelSync.InProcess.Internal;

/// <summary>
/// The caller's view of the response body: reads the response pipe until the application ends the body. An abort
/// fails the read with an <see cref="IOException"/>, as a reset stream does; disposing the stream before the end
/// aborts the request.
/// </summary>
internal sealed class ResponseBodyStream : Stream
{
    private readonly InProcessExchange _exchange;
    private readonly PipeReader _reader;
    private bool _disposed;

    public ResponseBodyStream(InProcessExchange exchange, PipeReader reader)
    {
        _exchange = exchange;
        _reader = reader;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        while (true)
        {
            ReadResult result;
            try
            {
                result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not IOException and not OperationCanceledException)
            {
                throw new IOException("The in-process response failed: " + ex.Message, ex);
            }

            if (result.IsCanceled)
            {
                throw new IOException("The in-process request was aborted.");
            }

            var data = result.Buffer;
            if (buffer.Length == 0)
            {
                // A zero-byte read waits for data without taking any: nothing is consumed or marked examined, so the
                // read that follows gets what arrived.
                _reader.AdvanceTo(data.Start);
                return 0;
            }

            if (!data.IsEmpty)
            {
                var count = (int)Math.Min(data.Length, buffer.Length);
                data.Slice(0, count).CopyTo(buffer.Span);
                _reader.AdvanceTo(data.GetPosition(count));
                return count;
            }

            _reader.AdvanceTo(data.End);
            if (result.IsCompleted)
            {
                return 0;
            }
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            _exchange.ResponseBodyAbandoned();
            _reader.Complete();
        }

        base.Dispose(disposing);
    }
}
