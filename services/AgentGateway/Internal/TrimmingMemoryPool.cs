using System.Buffers;
using System.Collections.Concurrent;

namespace SentinelSync.AgentGateway.Internal;

/// <summary>
/// Kestrel's buffer pool (4 KiB blocks for the socket, TLS and HTTP/2 pipes) with an eviction that follows demand:
/// each <see cref="Trim"/> gives up half of the blocks that stayed idle since the previous one.
/// </summary>
/// <remarks>
/// <para>Kestrel's own pool keeps the blocks of its busiest moment and gives back 1 % of them every 10 s while
/// traffic is steady. When ten thousand agents connect or reconnect at once, thousands of TLS handshakes are in
/// flight together, each with a few blocks; afterwards the idle fleet needs a few dozen. Kestrel's pool then kept
/// 4,400 idle blocks (18 MB, 1.8 KiB per connected agent) for the better part of an hour; this one is down to
/// 1/64 of the surplus after six trims.</para>
/// <para>Blocks are plain arrays, not pinned: on Linux the socket layer pins a buffer only for the system call,
/// and unpinned arrays let the collector compact the heap the evicted blocks leave behind.</para>
/// <para>Thread-safe. The idle count and low-water mark are kept with interlocked operations and may be off by a
/// block or two under races; that only moves a trim by as much.</para>
/// </remarks>
internal sealed class TrimmingMemoryPool : MemoryPool<byte>
{
    /// <summary>The block size: Kestrel's, the most any pipe rents from a pool at once.</summary>
    public const int BlockSize = 4096;

    private readonly ConcurrentQueue<Block> _idle = new();
    private readonly Action<TrimmingMemoryPool>? _disposed;
    private int _idleCount;
    private int _lowWater;
    private volatile bool _isDisposed;

    /// <param name="disposed">Called once when the pool is disposed (its factory stops trimming it).</param>
    public TrimmingMemoryPool(Action<TrimmingMemoryPool>? disposed = null) => _disposed = disposed;

    public override int MaxBufferSize => BlockSize;

    /// <summary>Blocks returned and not rented again.</summary>
    public int IdleCount => Volatile.Read(ref _idleCount);

    /// <exception cref="ArgumentOutOfRangeException"><paramref name="minBufferSize"/> is more than <see cref="BlockSize"/>.</exception>
    /// <exception cref="ObjectDisposedException">The pool was disposed.</exception>
    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, BlockSize);
        ObjectDisposedException.ThrowIf(_isDisposed, this);
        if (_idle.TryDequeue(out var block))
        {
            var idle = Interlocked.Decrement(ref _idleCount);
            if (idle < Volatile.Read(ref _lowWater))
            {
                Volatile.Write(ref _lowWater, idle);
            }

            return block;
        }

        Volatile.Write(ref _lowWater, 0);
        return new Block(this);
    }

    /// <summary>Evicts half of the blocks that were idle all the time since the previous trim.</summary>
    /// <returns>How many blocks were evicted.</returns>
    public int Trim()
    {
        var surplus = Volatile.Read(ref _lowWater) / 2;
        var evicted = 0;
        while (evicted < surplus && _idle.TryDequeue(out _))
        {
            Interlocked.Decrement(ref _idleCount);
            evicted++;
        }

        Volatile.Write(ref _lowWater, Volatile.Read(ref _idleCount));
        return evicted;
    }

    protected override void Dispose(bool disposing)
    {
        if (_isDisposed)
        {
            return;
        }

        _isDisposed = true;
        _idle.Clear();
        Volatile.Write(ref _idleCount, 0);
        _disposed?.Invoke(this);
    }

    private void Return(Block block)
    {
        if (_isDisposed)
        {
            return;
        }

        _idle.Enqueue(block);
        Interlocked.Increment(ref _idleCount);
    }

    private sealed class Block(TrimmingMemoryPool pool) : IMemoryOwner<byte>
    {
        public Memory<byte> Memory { get; } = GC.AllocateUninitializedArray<byte>(BlockSize);

        /// <summary>Back to the pool; the pipe that rented the block disposes it once.</summary>
        public void Dispose() => pool.Return(this);
    }
}
