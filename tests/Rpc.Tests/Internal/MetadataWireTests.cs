using Grpc.Core;
using Grpc.Core.Internal;

namespace SentinelSync.Rpc.Tests.Internal;

public class MetadataWireTests
{
    [Theory]
    [InlineData(new byte[] { 1 }, "AQ")]
    [InlineData(new byte[] { 1, 2 }, "AQI")]
    [InlineData(new byte[] { 1, 2, 3 }, "AQID")]
    [InlineData(new byte[] { 0xab, 0xab, 0xab }, "q6ur")]
    [InlineData(new byte[] { }, "")]
    public void EncodeValue_BinaryEntry_IsUnpaddedBase64(byte[] value, string expected)
    {
        Assert.Equal(expected, MetadataWire.EncodeValue(new Metadata.Entry("x-data-bin", value)));
    }

    [Fact]
    public void EncodeValue_AsciiEntry_IsTheValue()
    {
        Assert.Equal("value 1", MetadataWire.EncodeValue(new Metadata.Entry("x-data", "value 1")));
    }

    [Theory]
    [InlineData("AQ", new byte[] { 1 })]
    [InlineData("AQ==", new byte[] { 1 })]
    [InlineData("AQI", new byte[] { 1, 2 })]
    [InlineData("AQI=", new byte[] { 1, 2 })]
    [InlineData("AQID", new byte[] { 1, 2, 3 })]
    [InlineData("", new byte[] { })]
    public void TryDecodeBase64_PaddedOrUnpadded_Decodes(string value, byte[] expected)
    {
        Assert.True(MetadataWire.TryDecodeBase64(value, out var bytes));
        Assert.Equal(expected, bytes);
    }

    [Theory]
    [InlineData("A")]
    [InlineData("A*==")]
    public void TryDecodeBase64_Invalid_ReturnsFalse(string value)
    {
        Assert.False(MetadataWire.TryDecodeBase64(value, out _));
    }

    [Theory]
    [InlineData(":path")]
    [InlineData(":authority")]
    [InlineData("content-type")]
    [InlineData("te")]
    [InlineData("host")]
    [InlineData("user-agent")]
    [InlineData("connection")]
    [InlineData("grpc-timeout")]
    [InlineData("grpc-encoding")]
    [InlineData("grpc-accept-encoding")]
    [InlineData("grpc-status")]
    [InlineData("grpc-message")]
    public void IsReserved_ProtocolHeader_ReturnsTrue(string key)
    {
        Assert.True(MetadataWire.IsReserved(key));
    }

    [Theory]
    [InlineData("x-custom")]
    [InlineData("authorization")]
    [InlineData("x-trace-bin")]
    [InlineData("traceparent")]
    public void IsReserved_CustomHeader_ReturnsFalse(string key)
    {
        Assert.False(MetadataWire.IsReserved(key));
    }

    [Fact]
    public void AddReceived_BinaryHeaderWithFoldedValues_AddsEachPaddedOrNot()
    {
        var metadata = new Metadata();
        MetadataWire.AddReceived(metadata, "x-data-bin", "AQ, AQI=,AQID");
        Assert.Equal([[1], [1, 2], [1, 2, 3]], metadata.GetAll("x-data-bin").Select(e => e.ValueBytes));
        Assert.All(metadata, e => Assert.True(e.IsBinary));
    }

    [Theory]
    [InlineData("grpc-status", "0")]
    [InlineData("content-type", "application/grpc")]
    [InlineData("X-Upper", "v")]
    [InlineData("x-bad-bin", "***")]
    public void AddReceived_ReservedOrInvalid_Skips(string key, string value)
    {
        var metadata = new Metadata();
        MetadataWire.AddReceived(metadata, key, value);
        Assert.Empty(metadata);
    }

    [Fact]
    public void AddReceived_AsciiHeader_KeepsValueVerbatim()
    {
        var metadata = new Metadata();
        MetadataWire.AddReceived(metadata, "x-list", "a, b");
        Assert.Equal("a, b", Assert.Single(metadata).Value);
    }
}
