using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SentinelSync.AgentGateway.Internal;

namespace SentinelSync.AgentGateway.Tests;

public sealed class TrimmingMemoryPoolTests
{
    [Fact]
    public void Rent_ReturnedBlock_ReusedWithFullBlockSize()
    {
        using var pool = new TrimmingMemoryPool();
        var first = pool.Rent();
        var memory = first.Memory;
        first.Dispose();

        using var second = pool.Rent(100);

        Assert.Equal(TrimmingMemoryPool.BlockSize, second.Memory.Length);
        Assert.True(memory.Span == second.Memory.Span, "the returned block is rented again");
        Assert.Equal(0, pool.IdleCount);
    }

    [Fact]
    public void Rent_MoreThanABlock_OutOfRange()
    {
        using var pool = new TrimmingMemoryPool();

        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(TrimmingMemoryPool.BlockSize + 1));
    }

    [Fact]
    public void Trim_BlocksIdleSinceTheLastTrim_HalfEvictedEachTime()
    {
        using var pool = new TrimmingMemoryPool();
        ReturnAll(RentMany(pool, 64));
        Assert.Equal(64, pool.IdleCount);

        // The first trim only marks how many blocks are idle now; each one after gives up half of those idle throughout.
        Assert.Equal(0, pool.Trim());
        Assert.Equal(32, pool.Trim());
        Assert.Equal(16, pool.Trim());
        Assert.Equal(16, pool.IdleCount);
    }

    [Fact]
    public void Trim_BlocksRentedMeanwhile_OnlyTheNeverNeededSurplusEvicted()
    {
        using var pool = new TrimmingMemoryPool();
        ReturnAll(RentMany(pool, 40));
        pool.Trim();

        // A burst that needs 30 of the 40 at once: 10 stayed idle throughout, half of them go.
        var burst = RentMany(pool, 30);
        ReturnAll(burst);

        Assert.Equal(5, pool.Trim());
        Assert.Equal(35, pool.IdleCount);
    }

    [Fact]
    public void Trim_DemandAboveThePool_NothingEvicted()
    {
        using var pool = new TrimmingMemoryPool();
        ReturnAll(RentMany(pool, 8));
        pool.Trim();

        // More than the pool held: it ran dry, so no block was surplus in this period.
        ReturnAll(RentMany(pool, 12));

        Assert.Equal(0, pool.Trim());
        Assert.Equal(12, pool.IdleCount);
    }

    [Fact]
    public void Dispose_BlocksReturnedAfterwards_DroppedAndRentRefused()
    {
        var pool = new TrimmingMemoryPool();
        var rented = RentMany(pool, 3);

        pool.Dispose();
        ReturnAll(rented);

        Assert.Equal(0, pool.IdleCount);
        Assert.Throws<ObjectDisposedException>(() => pool.Rent());
    }

    [Fact]
    public void Factory_TrimAll_TrimsEveryLivePoolAndNotDisposedOnes()
    {
        using var factory = new TrimmingMemoryPoolFactory(Options.Create(new AgentGatewayOptions { MemoryPoolTrimInterval = TimeSpan.FromHours(1) }), TimeProvider.System);
        var first = (TrimmingMemoryPool)factory.Create();
        var second = (TrimmingMemoryPool)factory.Create();
        var disposed = (TrimmingMemoryPool)factory.Create();
        ReturnAll(RentMany(first, 20));
        ReturnAll(RentMany(second, 40));
        disposed.Dispose();

        Assert.Equal(0, factory.TrimAll());
        Assert.Equal(10 + 20, factory.TrimAll());
        Assert.Equal((10, 20), (first.IdleCount, second.IdleCount));
    }

    [Fact]
    public async Task Factory_Interval_TrimsOnItsOwn()
    {
        using var factory = new TrimmingMemoryPoolFactory(Options.Create(new AgentGatewayOptions { MemoryPoolTrimInterval = TimeSpan.FromMilliseconds(20) }), TimeProvider.System);
        var pool = (TrimmingMemoryPool)factory.Create();
        ReturnAll(RentMany(pool, 64));

        var deadline = DateTime.UtcNow + GatewayHost.Timeout;
        while (pool.IdleCount > 16 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.InRange(pool.IdleCount, 0, 16);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("00:00:00", false)]
    public async Task AgentEndpoint_MemoryPoolTrimIntervalSetting_DecidesTheConnectionsPool(string? setting, bool trimming)
    {
        var pools = new ConcurrentQueue<MemoryPool<byte>?>();
        var settings = new Dictionary<string, string?>();
        if (setting is not null)
        {
            settings["AgentGateway:MemoryPoolTrimInterval"] = setting;
        }

        await using var host = await GatewayHost.StartAsync(settings, afterAgentEndpoint: listen => listen.Use(next => connection =>
        {
            pools.Enqueue(connection.Features.Get<IMemoryPoolFeature>()?.MemoryPool);
            return next(connection);
        }));
        await TestAgent.ConnectOnceAsync(host);

        Assert.NotEmpty(pools);
        Assert.All(pools, pool => Assert.Equal(trimming, pool is TrimmingMemoryPool));
        Assert.Equal(trimming, host.Services.GetRequiredService<IMemoryPoolFactory<byte>>() is TrimmingMemoryPoolFactory);
    }

    private static List<IMemoryOwner<byte>> RentMany(MemoryPool<byte> pool, int count) => Enumerable.Range(0, count).Select(_ => pool.Rent()).ToList();

    private static void ReturnAll(List<IMemoryOwner<byte>> blocks) => blocks.ForEach(block => block.Dispose());
}
