using Google.Protobuf;
using Grpc.Core;
using Grpc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace SentinelSync.Rpc.Server.Tests;

/// <summary>Message size limits: RESOURCE_EXHAUSTED, and a too-large request is refused before its payload arrives.</summary>
public sealed class LimitsTests
{
    [Fact]
    public async Task UnaryCall_DeclaredLengthOverReceiveLimit_RefusedBeforePayloadArrives()
    {
        var called = false;
        await using var host = await GrpcTestHost.StartAsync(services => services.AddGrpc(o => o.MaxReceiveMessageSize = 1024));
        host.Script.Unary = (_, _) =>
        {
            called = true;
            return Task.FromResult(new SimpleResponse());
        };
        var content = new DuplexContent();

        // Only the prefix, announcing 100 MB; the request stays open and no payload byte is ever sent.
        var call = GrpcWire.CallAsync(host.Client, GrpcWire.Request(TestPaths.Unary, content));
        await content.SendAsync(GrpcWire.Prefix(100_000_000));
        var result = await call;

        Assert.Equal((int)StatusCode.ResourceExhausted, result.Status);
        Assert.True(result.IsTrailersOnly);
        Assert.False(called);
    }

    [Fact]
    public async Task UnaryCall_JustOverReceiveLimit_ResourceExhausted()
    {
        await using var host = await GrpcTestHost.StartAsync(services => services.AddGrpc(o => o.MaxReceiveMessageSize = 1024));

        var result = await GrpcWire.CallAsync(host.Client, GrpcWire.Request(TestPaths.Unary, GrpcWire.Frame(new byte[1025])));

        Assert.Equal((int)StatusCode.ResourceExhausted, result.Status);
    }

    [Fact]
    public async Task UnaryCall_AtReceiveLimit_Accepted()
    {
        await using var host = await GrpcTestHost.StartAsync(services => services.AddGrpc(o => o.MaxReceiveMessageSize = 1024));
        var request = new SimpleRequest { Payload = ServiceScript.Zeros(1000) };
        request.Payload.Body = ByteString.CopyFrom(new byte[1024 - request.CalculateSize() + 1000]);
        Assert.Equal(1024, request.CalculateSize());

        var result = await GrpcWire.CallAsync(host.Client, GrpcWire.Request(TestPaths.Unary, GrpcWire.Frame(request)));

        Assert.Equal(0, result.Status);
    }

    [Fact]
    public async Task UnaryCall_DecompressesOverReceiveLimit_ResourceExhausted()
    {
        await using var host = await GrpcTestHost.StartAsync(services => services.AddGrpc(o => o.MaxReceiveMessageSize = 1024));
        var payload = GrpcWire.Gzip(new SimpleRequest { Payload = ServiceScript.Zeros(100_000) }.ToByteArray());
        Assert.True(payload.Length < 1024);
        var request = GrpcWire.Request(TestPaths.Unary, GrpcWire.Frame(payload, compressedFlag: true));
        request.Headers.TryAddWithoutValidation("grpc-encoding", "gzip");

        var result = await GrpcWire.CallAsync(host.Client, request);

        Assert.Equal((int)StatusCode.ResourceExhausted, result.Status);
    }

    [Fact]
    public async Task UnaryCall_ResponseOverSendLimit_ResourceExhaustedAndNothingSent()
    {
        await using var host = await GrpcTestHost.StartAsync(services => services.AddGrpc(o => o.MaxSendMessageSize = 100));

        var result = await GrpcWire.CallAsync(host.Client, GrpcWire.Request(TestPaths.Unary, GrpcWire.Frame(new SimpleRequest { ResponseSize = 1000 })));

        Assert.Equal((int)StatusCode.ResourceExhausted, result.Status);
        Assert.True(result.IsTrailersOnly);
    }

    [Fact]
    public async Task StreamingInputCall_LongStreamBeyondKestrelBodyLimit_Accepted()
    {
        // Kestrel caps request bodies at 30 MB by default; a stream of small messages may go on far beyond.
        await using var host = await GrpcTestHost.StartAsync();
        var content = new DuplexContent();
        var call = GrpcWire.CallAsync(host.Client, GrpcWire.Request(TestPaths.ClientStreaming, content));
        var chunk = Enumerable.Repeat(GrpcWire.Frame(new StreamingInputCallRequest { Payload = ServiceScript.Zeros(64 * 1024) }), 16).SelectMany(f => f).ToArray();
        for (var i = 0; i < 32; i++)
        {
            await content.SendAsync(chunk);
        }

        content.Complete();
        var result = await call;

        Assert.Equal(0, result.Status);
        Assert.Equal(32 * 16 * 64 * 1024, StreamingInputCallResponse.Parser.ParseFrom(Assert.Single(result.Messages).Payload).AggregatedPayloadSize);
    }
}
