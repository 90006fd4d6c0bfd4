using Grpc.Core.Internal;

namespace SentinelSync.Rpc.Tests.Internal;

public class PercentEncodingTests
{
    [Theory]
    [InlineData("plain ascii message")]
    [InlineData("100% sure")]
    [InlineData("\t\ntest with whitespace\r\nand Unicode BMP \u263A and non-BMP \U0001F608\t\n")]
    [InlineData("emoji \U0001F600\U0001F680 and CJK \u4F60\u597D\u4E16\u754C, \u65E5\u672C\u8A9E")]
    [InlineData("")]
    public void EncodeThenDecode_AnyText_RoundTrips(string text)
    {
        var encoded = PercentEncoding.Encode(text);
        Assert.All(encoded, c => Assert.InRange(c, ' ', '~'));
        Assert.Equal(text, PercentEncoding.Decode(encoded));
    }

    [Theory]
    [InlineData("a%b", "a%25b")]
    [InlineData("tab\t", "tab%09")]
    [InlineData("\u263A", "%E2%98%BA")]
    [InlineData("\U0001F608", "%F0%9F%98%88")]
    [InlineData("\u4F60", "%E4%BD%A0")]
    [InlineData("keep ~!*() as is", "keep ~!*() as is")]
    public void Encode_Text_EscapesUtf8BytesOutsidePrintableAsciiAndPercent(string text, string expected)
    {
        Assert.Equal(expected, PercentEncoding.Encode(text));
    }

    [Theory]
    [InlineData("%e2%98%ba", "\u263A")]
    [InlineData("h%C3%A9llo%20%F0%9F%98%88", "h\u00E9llo \U0001F608")]
    public void Decode_ValidEscapes_DecodesUtf8(string encoded, string expected)
    {
        Assert.Equal(expected, PercentEncoding.Decode(encoded));
    }

    [Theory]
    [InlineData("100%")]
    [InlineData("%")]
    [InlineData("%4")]
    [InlineData("%zz")]
    [InlineData("a%G1b")]
    [InlineData("%%41")]
    public void Decode_MalformedEscape_KeepsItAsIs(string encoded)
    {
        var expected = encoded.Replace("%%41", "%A", StringComparison.Ordinal);
        Assert.Equal(expected, PercentEncoding.Decode(encoded));
    }

    [Fact]
    public void Decode_RawNonAsciiFromLenientPeer_KeepsIt()
    {
        Assert.Equal("caf\u00E9 \U0001F608 %41", PercentEncoding.Decode("caf\u00E9 \U0001F608 %2541"));
    }
}
