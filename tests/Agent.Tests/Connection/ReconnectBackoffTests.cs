using SentinelSync.Agent.Connection;

namespace SentinelSync.Agent.Tests.Connection;

public sealed class ReconnectBackoffTests
{
    private static readonly TimeSpan Base = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Cap = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 2)]
    [InlineData(2, 4)]
    [InlineData(5, 32)]
    [InlineData(6, 60)]
    [InlineData(7, 60)]
    public void Ceiling_DoublesFromTheBaseUntilTheCap(int attempt, int expectedSeconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), ReconnectBackoff.Ceiling(Base, Cap, attempt));
    }

    [Fact]
    public void Ceiling_HugeAttempt_IsTheCapWithoutOverflow()
    {
        Assert.Equal(Cap, ReconnectBackoff.Ceiling(Base, Cap, int.MaxValue));
    }

    [Fact]
    public void NextDelay_RandomAtTheEdges_SpansZeroToJustBelowTheCeiling()
    {
        var low = new ReconnectBackoff(Base, Cap, () => 0.0);
        var high = new ReconnectBackoff(Base, Cap, () => 0.999999);
        for (var i = 0; i < 3; i++)
        {
            low.NextDelay();
            high.NextDelay();
        }

        Assert.Equal(TimeSpan.Zero, low.NextDelay());
        var delay = high.NextDelay();
        Assert.InRange(delay, TimeSpan.FromSeconds(7.99), TimeSpan.FromSeconds(8) - TimeSpan.FromTicks(1));
    }

    [Fact]
    public void NextDelay_ManyDraws_CoverTheFullJitterRangeAndNeverExceedTheCap()
    {
        var random = new Random(42);
        var delays = new List<TimeSpan>();
        for (var run = 0; run < 1000; run++)
        {
            var backoff = new ReconnectBackoff(Base, Cap, random.NextDouble);
            for (var attempt = 0; attempt < 12; attempt++)
            {
                var delay = backoff.NextDelay();
                Assert.InRange(delay, TimeSpan.Zero, ReconnectBackoff.Ceiling(Base, Cap, attempt) - TimeSpan.FromTicks(1));
                if (attempt >= 6)
                {
                    delays.Add(delay);
                }
            }
        }

        // Full jitter: capped waits spread over all of [0, cap), not bunched near the cap.
        Assert.True(delays.Min() < TimeSpan.FromSeconds(3), $"min {delays.Min()}");
        Assert.True(delays.Max() > TimeSpan.FromSeconds(57), $"max {delays.Max()}");
        Assert.InRange(delays.Average(d => d.TotalSeconds), 27, 33);
    }

    [Fact]
    public void Reset_AfterFailures_StartsFromTheBaseAgain()
    {
        var backoff = new ReconnectBackoff(Base, Cap, () => 0.5);
        for (var i = 0; i < 5; i++)
        {
            backoff.NextDelay();
        }

        backoff.Reset();

        Assert.Equal(0, backoff.Attempt);
        Assert.Equal(TimeSpan.FromMilliseconds(500), backoff.NextDelay());
        Assert.Equal(1, backoff.Attempt);
    }

    [Fact]
    public void Constructor_CapBelowBase_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReconnectBackoff(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void Jitter_RandomOutsideUnitInterval_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ReconnectBackoff.Jitter(Cap, 1.0));
    }

    [Fact]
    public void NextDelay_SpreadLongerThanTheCeiling_DrawsFromTheSpread()
    {
        var backoff = new ReconnectBackoff(Base, Cap, () => 0.5);

        Assert.Equal(TimeSpan.FromSeconds(20), backoff.NextDelay(TimeSpan.FromSeconds(40)));
        Assert.Equal(1, backoff.Attempt);
    }

    [Fact]
    public void NextDelay_SpreadShorterThanTheCeiling_DrawsFromTheCeiling()
    {
        var backoff = new ReconnectBackoff(Base, Cap, () => 0.5);
        backoff.NextDelay();
        backoff.NextDelay();

        Assert.Equal(TimeSpan.FromSeconds(2), backoff.NextDelay(TimeSpan.FromSeconds(3)));
    }
}
