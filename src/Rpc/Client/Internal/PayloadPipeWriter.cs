using System.Buffers;
using System.IO.Pipelines;

namespace Grpc.Net.Client.Internal;

/// <summary>
/// A <see cref="PipeWriter"/> into one growing array from <see cref="ArrayPool{T}"/>, so a single request
/// message is framed (by <see cref="Grpc.Core.Internal.MessageWriter"/>) and size-checked before anything is sent.
/// </summary>
internal sealed class PayloadPipeWriter : PipeWriter
{
    private const int MinimumSize = 256;

    private byte[] _buffer;
    private int _written;

    public PayloadPipeWriter(int initialSize) => _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(initialSize, MinimumSize));

    public override void Advance(int bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        if (_written + bytes > _buffer.Length)
        {
            throw new InvalidOperationException("Advanced past the end of the buffer.");
        }

        _written += bytes;
    }

    public override Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public override Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_written);
    }

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => new(new FlushResult(false, false));

    public override void CancelPendingFlush()
    {
    }

    public override void Complete(Exception? exception = null)
    {
    }

    /// <summary>Hands the rented array and its written length to the caller, who returns it to the pool.</summary>
    public byte[] Detach(out int length)
    {
        var buffer = _buffer;
        length = _written;
        _buffer = [];
        _written = 0;
        return buffer;
    }

    /// <summary>Returns the array to the pool (after a failed serialization).</summary>
    public void Release()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }

        _buffer = [];
        _written = 0;
    }

    private void Ensure(int sizeHint)
    {
        var needed = Math.Max(sizeHint, 1);
        if (_buffer.Length - _written >= needed)
        {
            return;
        }

        var size = Math.Max(checked(_written + needed), checked(_buffer.Length * 2));
        var grown = ArrayPool<byte>.Shared.Rent(size);
        _buffer.AsSpan(0, _written).CopyTo(grown);
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }

        _buffer = grown;
    }
}
