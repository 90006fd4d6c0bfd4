using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;

namespace SentinelSync.AgentGateway.Internal;

/// <summary>
/// Gives Kestrel's transports <see cref="TrimmingMemoryPool"/>s and trims every live one each
/// <see cref="AgentGatewayOptions.MemoryPoolTrimInterval"/>.
/// </summary>
/// <remarks>
/// Registered in place of Kestrel's factory for the whole process (Kestrel asks one factory for the pools of all its
/// endpoints); the operator, internal and management endpoints get the same pool, which behaves as Kestrel's does
/// apart from the eviction.
/// </remarks>
internal sealed class TrimmingMemoryPoolFactory : IMemoryPoolFactory<byte>, IDisposable
{
    private readonly ConcurrentDictionary<TrimmingMemoryPool, byte> _pools = new();
    private readonly ITimer _timer;

    public TrimmingMemoryPoolFactory(IOptions<AgentGatewayOptions> options, TimeProvider timeProvider)
    {
        var interval = options.Value.MemoryPoolTrimInterval;
        _timer = timeProvider.CreateTimer(_ => TrimAll(), null, interval, interval);
    }

    public MemoryPool<byte> Create(MemoryPoolOptions? options = null)
    {
        var pool = new TrimmingMemoryPool(disposed => _pools.TryRemove(disposed, out _));
        _pools.TryAdd(pool, 0);
        return pool;
    }

    /// <summary>Trims every pool handed out and not disposed.</summary>
    /// <returns>How many blocks were evicted.</returns>
    public int TrimAll()
    {
        var evicted = 0;
        foreach (var pool in _pools.Keys)
        {
            evicted += pool.Trim();
        }

        return evicted;
    }

    public void Dispose() => _timer.Dispose();
}
