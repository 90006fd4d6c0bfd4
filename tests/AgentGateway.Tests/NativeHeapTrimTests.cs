using Microsoft.Extensions.Options;
using SentinelSync.AgentGateway.Internal;

namespace SentinelSync.AgentGateway.Tests;

public sealed class NativeHeapTrimTests
{
    [Fact]
    public void TrimGlibcHeaps_OnThisLinuxMachine_Trims()
    {
        Assert.True(NativeHeapTrim.TrimGlibcHeaps());
    }

    [Fact]
    public async Task ExecuteAsync_Interval_TrimsEveryInterval()
    {
        var (service, trims) = Create(TimeSpan.FromMilliseconds(20), trimPossible: true);
        using (service)
        {
            await service.StartAsync(CancellationToken.None);
            var deadline = DateTime.UtcNow + GatewayHost.Timeout;
            while (trims() < 3 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(10);
            }

            await service.StopAsync(CancellationToken.None);
            Assert.True(trims() >= 3, $"{trims()} trims");
        }
    }

    [Theory]
    [InlineData(10, false, 1)]
    [InlineData(0, true, 0)]
    public async Task ExecuteAsync_TrimNotPossibleOrTurnedOff_Stops(int intervalMilliseconds, bool trimPossible, int expectedTrims)
    {
        var (service, trims) = Create(TimeSpan.FromMilliseconds(intervalMilliseconds), trimPossible);
        using (service)
        {
            await service.StartAsync(CancellationToken.None);
            await service.ExecuteTask!.WaitAsync(GatewayHost.Timeout);

            Assert.Equal(expectedTrims, trims());
        }
    }

    private static (NativeHeapTrim Service, Func<int> Trims) Create(TimeSpan interval, bool trimPossible)
    {
        var trims = 0;
        var service = new NativeHeapTrim(Options.Create(new AgentGatewayOptions { NativeHeapTrimInterval = interval }), TimeProvider.System, () =>
        {
            Interlocked.Increment(ref trims);
            return trimPossible;
        });
        return (service, () => Volatile.Read(ref trims));
    }
}
