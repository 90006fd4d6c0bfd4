using Google.Protobuf;
using Grpc.Core;
using Grpc.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace SentinelSync.Rpc.Server.Tests;

/// <summary>Message compression (doc/compression.md): request decoding, response encoding, per-message opt-out.</summary>
public sealed class CompressionTests
{
    [Fact]
    public async Task UnaryCall_GzipRequest_DecompressedForHandler()
    {
        await using var host = await GrpcTestHost.StartAsync();
        host.Script.Unary = (request, _) => Task.FromResult(new SimpleResponse { Username = request.Payload.Body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var payload = new SimpleRequest { Payload = ServiceScript.Zeros(50_000) }.ToByteArray();
        var request = GrpcWire.Request(TestPaths.Unary, GrpcWire.Frame(GrpcWire.Gzip(payload), compressedFlag: true));
        request.Headers.TryAddWithoutValidation("grpc-encoding", "gzip");

        var result = await GrpcWire.CallAsync(host.Client, request);

        Assert.Equal(0, result.Status);
        Assert.Equal("50000", SimpleResponse.Parser.ParseFrom(Assert.Single(result.Messages).Payload).Username);
    }

    [Fact]
    public async Task UnaryCall_GzipEncodingButUncompressedMessage_Accepted()
    {
        await using var host = await GrpcTestHost.StartAsync();
        var request = GrpcWire.Request(TestPaths.Unary, GrpcWire.Frame(new SimpleRequest { ResponseSize = 4 }));
        request.Headers.TryAddWithoutValidation("grpc-encoding", "gzip");

        var result = await GrpcWire.CallAsync(host.Client, request);

        Assert.Equal(0, result.Status);
    }

    [Fact]
    public async Task UnaryCall_UnknownRequestEncoding_UnimplementedListingSupportedEncodings()
    {
        await using var host = await GrpcTestHost.StartAsync();
        var request = GrpcWire.Request(TestPaths.Unary, GrpcWire.Frame(new SimpleRequest()));
        request.Headers.TryAddWithoutValidation("grpc-encoding", "snappy");

        var result = await GrpcWire.CallAsync(host.Client, request);

        Assert.True(result.IsTrailersOnly);
        Assert.Equal((int)StatusCode.Unimplemented, result.Status);
        Assert.Equal("identity,gzip", Assert.Single(result.Headers.GetValues("grpc-accept-encoding")));
        Assert.Contains("snappy", result.RawMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnaryCall_CompressedFlagWithoutEncoding_Internal()
    {
        await using var host = await GrpcTestHost.StartAsync();
        var payload = new SimpleRequest().ToByteArray();

        var result = await GrpcWire.CallAsync(host.Client, GrpcWire.Request(TestPaths.Unary, GrpcWire.Frame(GrpcWire.Gzip(payload), compressedFlag: true)));

        Assert.Equal((int)StatusCode.Internal, result.Status);
    }

    [Fact]
    public async Task UnaryCall_CorruptGzip_Internal()
    {
        await using var host = await GrpcTestHost.StartAsync();
        var request = GrpcWire.Request(TestPaths.Unary, GrpcWire.Frame([1, 2, 3, 4, 5, 6], compressedFlag: true));
        request.Headers.TryAddWithoutValidation("grpc-encoding", "gzip");

        var result = await GrpcWire.CallAsync(host.Client, request);

        Assert.Equal((int)StatusCode.Internal, result.Status);
    }

    [Fact]
    public async Task UnaryCall_ServiceCompressesAndClientAccepts_ResponseGzipped()
    {
        await using var host = await GrpcTestHost.StartAsync(services => services.AddGrpc(o => o.ResponseCompressionAlgorithm = "gzip"));
        var request = GrpcWire.Request(TestPaths.Unary, GrpcWire.Frame(new SimpleRequest { ResponseSize = 10_000 }));
        request.Headers.TryAddWithoutValidation("grpc-accept-encoding", "identity, deflate, gzip");

        var result = await GrpcWire.CallAsync(host.Client, request);

        Assert.Equal("gzip", Assert.Single(result.Headers.GetValues("grpc-encoding")));
        var message = Assert.Single(result.Messages);
        Assert.True(message.CompressedFlag);
        Assert.Equal(10_000, SimpleResponse.Parser.ParseFrom(GrpcWire.Gunzip(message.Payload)).Payload.Body.Length);
    }

    [Fact]
    public async Task UnaryCall_ServiceCompressesButClientDoesNotAccept_ResponseIdentity()
    {
        await using var host = await GrpcTestHost.StartAsync(services => services.AddGrpc(o => o.ResponseCompressionAlgorithm = "gzip"));

        var result = await GrpcWire.CallAsync(host.Client, GrpcWire.Request(TestPaths.Unary, GrpcWire.Frame(new SimpleRequest { ResponseSize = 100 })));

        Assert.False(result.Headers.Contains("grpc-encoding"));
        Assert.False(Assert.Single(result.Messages).CompressedFlag);
    }

    [Fact]
    public async Task UnaryCall_HandlerAsksForGzipThroughResponseHeader_ResponseGzippedAndHeaderNotSent()
    {
        await using var host = await GrpcTestHost.StartAsync();
        host.Script.Unary = (request, context) =>
        {
            // grpc-dotnet's convention, also when set straight on the HTTP response.
            context.GetHttpContext().Response.Headers["grpc-internal-encoding-request"] = "gzip";
            return Task.FromResult(new SimpleResponse { Payload = ServiceScript.Zeros(request.ResponseSize) });
        };
        var request = GrpcWire.Request(TestPaths.Unary, GrpcWire.Frame(new SimpleRequest { ResponseSize = 1000 }));
        request.Headers.TryAddWithoutValidation("grpc-accept-encoding", "gzip");

        var result = await GrpcWire.CallAsync(host.Client, request);

        Assert.Equal("gzip", Assert.Single(result.Headers.GetValues("grpc-encoding")));
        Assert.False(result.Headers.Contains("grpc-internal-encoding-request"));
        Assert.True(Assert.Single(result.Messages).CompressedFlag);
    }

    [Fact]
    public async Task StreamingOutputCall_NoCompressFlagOnOneMessage_OnlyThatMessageUncompressed()
    {
        await using var host = await GrpcTestHost.StartAsync();
        host.Script.ServerStreaming = async (request, responses, context) =>
        {
            await context.WriteResponseHeadersAsync(new Metadata { { "grpc-internal-encoding-request", "gzip" } });
            responses.WriteOptions = null;
            await responses.WriteAsync(new StreamingOutputCallResponse { Payload = ServiceScript.Zeros(500) });
            responses.WriteOptions = new WriteOptions(WriteFlags.NoCompress);
            await responses.WriteAsync(new StreamingOutputCallResponse { Payload = ServiceScript.Zeros(500) });
            responses.WriteOptions = null;
            await responses.WriteAsync(new StreamingOutputCallResponse { Payload = ServiceScript.Zeros(500) });
        };
        var request = GrpcWire.Request(TestPaths.ServerStreaming, GrpcWire.Frame(new StreamingOutputCallRequest()));
        request.Headers.TryAddWithoutValidation("grpc-accept-encoding", "identity,gzip");

        var result = await GrpcWire.CallAsync(host.Client, request);

        Assert.Equal("gzip", Assert.Single(result.Headers.GetValues("grpc-encoding")));
        Assert.Equal([true, false, true], result.Messages.Select(m => m.CompressedFlag));
        Assert.Equal(500, StreamingOutputCallResponse.Parser.ParseFrom(result.Messages[1].Payload).Payload.Body.Length);
    }
}
