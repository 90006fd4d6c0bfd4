using System.Text;
using SentinelSync.Agent.Spool;

namespace SentinelSync.Agent.Tests.Spool;

public sealed class Crc32Tests
{
    [Theory]
    [InlineData("", 0x00000000u)]
    [InlineData("123456789", 0xCBF43926u)]
    [InlineData("The quick brown fox jumps over the lazy dog", 0x414FA339u)]
    public void Compute_KnownInputs_MatchTheStandardCheckValues(string text, uint expected)
    {
        Assert.Equal(expected, Crc32.Compute(Encoding.ASCII.GetBytes(text)));
    }

    [Fact]
    public void Append_InTwoParts_EqualsOneComputation()
    {
        var data = Encoding.ASCII.GetBytes("123456789");

        Assert.Equal(Crc32.Compute(data), Crc32.Append(Crc32.Compute(data.AsSpan(0, 4)), data.AsSpan(4)));
    }
}
