using Grpc.Core.Internal;

namespace SentinelSync.Rpc.Tests.Internal;

public class GrpcTimeoutTests
{
    public static TheoryData<string, long> EveryUnit => new()
    {
        { "2H", 2 * TimeSpan.TicksPerHour },
        { "3M", 3 * TimeSpan.TicksPerMinute },
        { "4S", 4 * TimeSpan.TicksPerSecond },
        { "5m", 5 * TimeSpan.TicksPerMillisecond },
        { "6u", 60 },
        { "700n", 7 },
        { "99999999S", 99_999_999 * TimeSpan.TicksPerSecond },
        { "0m", 0 },
    };

    [Theory]
    [MemberData(nameof(EveryUnit))]
    public void TryParse_EveryUnit_ReturnsDuration(string header, long ticks)
    {
        Assert.True(GrpcTimeout.TryParse(header, out var timeout));
        Assert.Equal(TimeSpan.FromTicks(ticks), timeout);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("S")]
    [InlineData("1")]
    [InlineData("123456789S")]
    [InlineData("1x")]
    [InlineData("-1S")]
    [InlineData(" 1S")]
    [InlineData("1.5S")]
    public void TryParse_Malformed_ReturnsFalse(string? header)
    {
        Assert.False(GrpcTimeout.TryParse(header, out _));
    }

    [Theory]
    [InlineData(1, "100n")]
    [InlineData(TimeSpan.TicksPerMillisecond, "1000000n")]
    [InlineData(TimeSpan.TicksPerSecond, "1000000u")]
    [InlineData(100 * TimeSpan.TicksPerSecond, "100000m")]
    [InlineData(2 * TimeSpan.TicksPerDay, "172800S")]
    [InlineData(1000 * TimeSpan.TicksPerDay, "86400000S")]
    [InlineData(2000 * TimeSpan.TicksPerDay, "2880000M")]
    [InlineData(100_000 * TimeSpan.TicksPerDay, "2400000H")]
    public void Format_Duration_UsesFinestUnitThatFitsEightDigits(long ticks, string expected)
    {
        Assert.Equal(expected, GrpcTimeout.Format(TimeSpan.FromTicks(ticks)));
    }

    [Fact]
    public void Format_ValueNeedingCoarserUnit_RoundsUp()
    {
        // 100 s + 100 ns does not fit in eight digits of ns or us; in ms it is 100000.0001, sent as 100001m
        // so the server never sees a shorter deadline than the client's.
        Assert.Equal("100001m", GrpcTimeout.Format(TimeSpan.FromTicks((100 * TimeSpan.TicksPerSecond) + 1)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void Format_ZeroOrNegative_IsOneNanosecond(long ticks)
    {
        Assert.Equal("1n", GrpcTimeout.Format(TimeSpan.FromTicks(ticks)));
    }

    [Fact]
    public void Format_TimeSpanMaxValue_ClampsToLargestValue()
    {
        Assert.Equal("99999999H", GrpcTimeout.Format(TimeSpan.MaxValue));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(12_345)]
    [InlineData(TimeSpan.TicksPerSecond + 3)]
    [InlineData(3 * TimeSpan.TicksPerHour)]
    [InlineData(123 * TimeSpan.TicksPerDay)]
    public void FormatThenParse_AnyDuration_NeverShorterAndCloseToOriginal(long ticks)
    {
        var original = TimeSpan.FromTicks(ticks);
        Assert.True(GrpcTimeout.TryParse(GrpcTimeout.Format(original), out var parsed));
        Assert.True(parsed >= original, $"{parsed} < {original}");

        // The unit chosen is the finest whose amount fits eight digits, so the next finer one did not:
        // the value is over 10^5 units and rounding up adds less than one unit.
        Assert.True(parsed - original <= TimeSpan.FromTicks((ticks / 100_000) + 1), $"{parsed} is too far from {original}");
    }
}
