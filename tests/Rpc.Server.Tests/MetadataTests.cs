using Grpc.Core;
using Grpc.Testing;

namespace SentinelSync.Rpc.Server.Tests;

/// <summary>Custom metadata in both directions, ASCII and -bin, and what handlers see of the request headers.</summary>
public sealed class MetadataTests
{
    [Fact]
    public async Task UnaryCall_CustomMetadata_ReachesHandlerAndComesBackInHeadersAndTrailers()
    {
        await using var host = await GrpcTestHost.StartAsync();
        host.Script.Unary = async (_, context) =>
        {
            var ascii = context.RequestHeaders.GetValue("x-ascii")!;
            var bytes = context.RequestHeaders.GetValueBytes("x-data-bin")!;
            await context.WriteResponseHeadersAsync(new Metadata { { "x-head", ascii }, { "x-head-bin", bytes } });
            context.ResponseTrailers.Add("x-tail", ascii + "!");
            context.ResponseTrailers.Add("x-tail-bin", bytes);
            return new SimpleResponse();
        };
        var request = GrpcWire.Request(TestPaths.Unary, GrpcWire.Frame(new SimpleRequest()));
        request.Headers.Add("x-ascii", "hello");
        request.Headers.Add("x-data-bin", Convert.ToBase64String([0xAB, 0x00, 0xFF, 0x10]));

        var result = await GrpcWire.CallAsync(host.Client, request);

        Assert.Equal(0, result.Status);
        Assert.Equal("hello", Assert.Single(result.Headers.GetValues("x-head")));
        Assert.Equal("hello!", Assert.Single(result.Trailers.GetValues("x-tail")));

        // Binary values go out as unpadded base64 (PROTOCOL-HTTP2: emit unpadded, accept both).
        Assert.Equal("qwD/EA", Assert.Single(result.Headers.GetValues("x-head-bin")));
        Assert.Equal("qwD/EA", Assert.Single(result.Trailers.GetValues("x-tail-bin")));
    }

    [Theory]
    [InlineData("qw==")]
    [InlineData("qw")]
    [InlineData("q6ur")]
    public async Task UnaryCall_BinaryHeaderPaddedOrUnpadded_DecodedToSameBytes(string encoded)
    {
        await using var host = await GrpcTestHost.StartAsync();
        host.Script.Unary = (_, context) =>
        {
            var bytes = context.RequestHeaders.GetValueBytes("x-data-bin")!;
            return Task.FromResult(new SimpleResponse { Username = Convert.ToHexString(bytes) });
        };
        var request = GrpcWire.Request(TestPaths.Unary, GrpcWire.Frame(new SimpleRequest()));
        request.Headers.TryAddWithoutValidation("x-data-bin", encoded);

        var result = await GrpcWire.CallAsync(host.Client, request);

        var expected = encoded.StartsWith("q6", StringComparison.Ordinal) ? "ABABAB" : "AB";
        Assert.Equal(expected, SimpleResponse.Parser.ParseFrom(Assert.Single(result.Messages).Payload).Username);
    }

    [Fact]
    public async Task UnaryCall_RepeatedBinaryKeyFoldedIntoOneHeader_HandlerSeesEveryValue()
    {
        await using var host = await GrpcTestHost.StartAsync();
        host.Script.Unary = (_, context) =>
            Task.FromResult(new SimpleResponse { Username = string.Join("|", context.RequestHeaders.GetAll("x-many-bin").Select(e => Convert.ToHexString(e.ValueBytes))) });
        var request = GrpcWire.Request(TestPaths.Unary, GrpcWire.Frame(new SimpleRequest()));

        // HttpClient folds repeated values into one field ("AQ, Ag=="), as a proxy may: -bin values split on commas.
        request.Headers.TryAddWithoutValidation("x-many-bin", ["AQ", "Ag=="]);

        var result = await GrpcWire.CallAsync(host.Client, request);

        Assert.Equal("01|02", SimpleResponse.Parser.ParseFrom(Assert.Single(result.Messages).Payload).Username);
    }

    [Fact]
    public async Task UnaryCall_RequestHeaders_ExcludeProtocolHeaders()
    {
        await using var host = await GrpcTestHost.StartAsync();
        host.Script.Unary = (_, context) =>
            Task.FromResult(new SimpleResponse { Username = string.Join(",", context.RequestHeaders.Select(e => e.Key)) });
        var request = GrpcWire.Request(TestPaths.Unary, GrpcWire.Frame(new SimpleRequest()));
        request.Headers.TryAddWithoutValidation("grpc-timeout", "10S");
        request.Headers.TryAddWithoutValidation("grpc-encoding", "identity");
        request.Headers.TryAddWithoutValidation("grpc-accept-encoding", "identity,gzip");
        request.Headers.TryAddWithoutValidation("user-agent", "grpc-test/1.0");
        request.Headers.TryAddWithoutValidation("authorization", "Bearer abc");
        request.Headers.TryAddWithoutValidation("x-custom", "kept");

        var result = await GrpcWire.CallAsync(host.Client, request);

        var keys = SimpleResponse.Parser.ParseFrom(Assert.Single(result.Messages).Payload).Username.Split(',');
        Assert.Contains("x-custom", keys);
        Assert.Contains("authorization", keys);
        foreach (var reserved in new[] { "te", "content-type", "grpc-timeout", "grpc-encoding", "grpc-accept-encoding", "host", ":authority", ":path", "user-agent" })
        {
            Assert.DoesNotContain(reserved, keys);
        }
    }

    [Fact]
    public async Task UnaryCall_ContextProperties_DescribeTheCall()
    {
        await using var host = await GrpcTestHost.StartAsync();
        host.Script.Unary = (_, context) => Task.FromResult(new SimpleResponse
        {
            Username = context.Method,
            OauthScope = context.Peer,
            Hostname = context.Host,
            ServerId = (context.Deadline == DateTime.MaxValue).ToString(),
        });

        var result = await GrpcWire.CallAsync(host.Client, GrpcWire.Request(TestPaths.Unary, GrpcWire.Frame(new SimpleRequest())));

        var response = SimpleResponse.Parser.ParseFrom(Assert.Single(result.Messages).Payload);
        Assert.Equal(TestPaths.Unary, response.Username);
        Assert.StartsWith("ipv4:127.0.0.1:", response.OauthScope, StringComparison.Ordinal);
        Assert.Equal($"127.0.0.1:{host.Port}", response.Hostname);
        Assert.Equal("True", response.ServerId);
    }
}
