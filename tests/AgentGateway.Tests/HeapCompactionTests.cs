using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SentinelSync.AgentGateway.Internal;

namespace SentinelSync.AgentGateway.Tests;

public sealed class HeapCompactionTests
{
    [Fact]
    public void Check_StartUp_CompactsOnceAtTheFirstQuietMoment()
    {
        var (service, _, compactions) = Create(minWave: 3);
        using (service)
        {
            for (var tick = 1; tick < HeapCompaction.QuietTicks; tick++)
            {
                Assert.False(service.Check(), $"quiet tick {tick}");
            }

            Assert.True(service.Check());
            Assert.False(service.Check());
            Assert.Equal(1, compactions());
        }
    }

    [Fact]
    public void Check_WaveThenQuiet_CompactsOnceAfterTheQuietTicks()
    {
        var (service, sessions, compactions) = Create(minWave: 3);
        using (service)
        {
            StartUp(service, compactions);
            Connect(sessions, 3);
            Assert.False(service.Check(), "the wave is still arriving");
            for (var tick = 1; tick < HeapCompaction.QuietTicks; tick++)
            {
                Assert.False(service.Check(), $"quiet tick {tick}");
            }

            Assert.True(service.Check());
            Assert.Equal(2, compactions());

            // Quiet afterwards: nothing more to give back.
            Assert.False(service.Check());
            Assert.Equal(2, compactions());
        }
    }

    [Fact]
    public void Check_FewerConnectionsThanAWave_NoCompaction()
    {
        var (service, sessions, compactions) = Create(minWave: 3);
        using (service)
        {
            StartUp(service, compactions);
            Connect(sessions, 2);
            for (var tick = 0; tick < HeapCompaction.QuietTicks + 3; tick++)
            {
                service.Check();
            }

            Assert.Equal(1, compactions());
        }
    }

    [Fact]
    public void Check_TrickleWithoutAPause_WaitsUntilItStops()
    {
        var (service, sessions, compactions) = Create(minWave: 3);
        using (service)
        {
            StartUp(service, compactions);
            for (var tick = 0; tick < 6; tick++)
            {
                Connect(sessions, 1);
                Assert.False(service.Check());
            }

            for (var tick = 0; tick < HeapCompaction.QuietTicks; tick++)
            {
                service.Check();
            }

            Assert.Equal(2, compactions());
        }
    }

    [Theory]
    [InlineData(2, 2)]
    [InlineData(0, 0)]
    public async Task ExecuteAsync_Interval_CompactsAfterStartUpAndAfterAWaveUnlessTurnedOff(int minWave, int expected)
    {
        var (service, sessions, compactions) = Create(minWave, TimeSpan.FromMilliseconds(20));
        using (service)
        {
            await service.StartAsync(CancellationToken.None);
            await WaitForAsync(() => compactions() >= Math.Min(expected, 1));
            Connect(sessions, 3);
            await WaitForAsync(() => compactions() >= expected);

            await Task.Delay(200);
            await service.StopAsync(CancellationToken.None);
            Assert.Equal(expected, compactions());
        }
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + GatewayHost.Timeout;
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
    }

    /// <summary>The compaction after start-up, at the first quiet moment.</summary>
    private static void StartUp(HeapCompaction service, Func<int> compactions)
    {
        for (var tick = 0; tick < HeapCompaction.QuietTicks; tick++)
        {
            service.Check();
        }

        Assert.Equal(1, compactions());
    }

    private static (HeapCompaction Service, AgentSessionRegistry Sessions, Func<int> Compactions) Create(int minWave, TimeSpan? interval = null)
    {
        var sessions = new AgentSessionRegistry();
        var compactions = 0;
        var service = new HeapCompaction(
            sessions,
            Options.Create(new AgentGatewayOptions { HeapCompactionMinWave = minWave }),
            TimeProvider.System,
            NullLogger<HeapCompaction>.Instance,
            interval ?? TimeSpan.FromHours(1),
            () => Interlocked.Increment(ref compactions));
        return (service, sessions, () => Volatile.Read(ref compactions));
    }

    private static void Connect(AgentSessionRegistry sessions, int count)
    {
        for (var i = 0; i < count; i++)
        {
            sessions.Add(new AgentSession($"agent-{Guid.NewGuid():N}", "127.0.0.1", 0, 0, CancellationToken.None));
        }
    }
}
