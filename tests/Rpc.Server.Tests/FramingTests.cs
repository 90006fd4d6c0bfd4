using Grpc.Core;
using Grpc.Testing;

namespace SentinelSync.Rpc.Server.Tests;

/// <summary>Length-prefixed framing is independent of HTTP/2 DATA frames, in both directions.</summary>
public sealed class FramingTests
{
    [Fact]
    public async Task UnaryCall_MessageSplitAcrossDataFrames_ReassemblesMessage()
    {
        await using var host = await GrpcTestHost.StartAsync();
        var frame = GrpcWire.Frame(new SimpleRequest { ResponseSize = 7, Payload = ServiceScript.Zeros(1000) });
        var content = new DuplexContent();
        var call = GrpcWire.CallAsync(host.Client, GrpcWire.Request(TestPaths.Unary, content));

        // One byte of the prefix, the rest of it, then the payload in uneven pieces: each its own DATA frame.
        var cuts = new[] { 1, 5, 6, 100, 600, frame.Length };
        var start = 0;
        foreach (var cut in cuts)
        {
            await content.SendAsync(frame[start..cut]);
            start = cut;
            await Task.Delay(10);
        }

        content.Complete();
        var result = await call;

        Assert.Equal(0, result.Status);
        var response = SimpleResponse.Parser.ParseFrom(Assert.Single(result.Messages).Payload);
        Assert.Equal(7, response.Payload.Body.Length);
    }

    [Fact]
    public async Task StreamingInputCall_SeveralMessagesInOneDataFrame_ReadsEachMessage()
    {
        await using var host = await GrpcTestHost.StartAsync();
        var frames = new[] { 3, 0, 20_000, 5 }.Select(size => GrpcWire.Frame(new StreamingInputCallRequest { Payload = ServiceScript.Zeros(size) })).ToArray();
        var content = new DuplexContent();
        var call = GrpcWire.CallAsync(host.Client, GrpcWire.Request(TestPaths.ClientStreaming, content));

        // Three whole messages and the first three bytes of the fourth in one frame; the rest in another.
        var first = frames[0].Concat(frames[1]).Concat(frames[2]).Concat(frames[3][..3]).ToArray();
        await content.SendAsync(first);
        await content.SendAsync(frames[3][3..]);
        content.Complete();
        var result = await call;

        Assert.Equal(0, result.Status);
        Assert.Equal(20_008, StreamingInputCallResponse.Parser.ParseFrom(Assert.Single(result.Messages).Payload).AggregatedPayloadSize);
    }

    [Fact]
    public async Task StreamingInputCall_NoMessages_HandlerSeesEndOfStream()
    {
        await using var host = await GrpcTestHost.StartAsync();

        var result = await GrpcWire.CallAsync(host.Client, GrpcWire.Request(TestPaths.ClientStreaming, new ByteArrayContent([])));

        Assert.Equal(0, result.Status);
        Assert.Equal(0, StreamingInputCallResponse.Parser.ParseFrom(Assert.Single(result.Messages).Payload).AggregatedPayloadSize);
    }

    [Fact]
    public async Task StreamingInputCall_BodyEndsInsideMessage_Internal()
    {
        await using var host = await GrpcTestHost.StartAsync();
        var frame = GrpcWire.Frame(new StreamingInputCallRequest { Payload = ServiceScript.Zeros(100) });

        var result = await GrpcWire.CallAsync(host.Client, GrpcWire.Request(TestPaths.ClientStreaming, frame[..50]));

        Assert.Equal((int)StatusCode.Internal, result.Status);
    }

    [Fact]
    public async Task StreamingOutputCall_ManyMessagesWithBufferHint_AllArriveInOrder()
    {
        await using var host = await GrpcTestHost.StartAsync();
        host.Script.ServerStreaming = async (request, responses, context) =>
        {
            responses.WriteOptions = new WriteOptions(WriteFlags.BufferHint);
            for (var i = 0; i < request.ResponseParameters.Count; i++)
            {
                await responses.WriteAsync(new StreamingOutputCallResponse { Payload = ServiceScript.Zeros(request.ResponseParameters[i].Size) });
            }
        };
        var request = new StreamingOutputCallRequest();
        for (var i = 0; i < 2000; i++)
        {
            request.ResponseParameters.Add(new ResponseParameters { Size = i % 97 });
        }

        var result = await GrpcWire.CallAsync(host.Client, GrpcWire.Request(TestPaths.ServerStreaming, GrpcWire.Frame(request)));

        Assert.Equal(0, result.Status);
        Assert.Equal(2000, result.Messages.Count);
        for (var i = 0; i < 2000; i++)
        {
            Assert.Equal(i % 97, StreamingOutputCallResponse.Parser.ParseFrom(result.Messages[i].Payload).Payload.Body.Length);
        }
    }

    [Fact]
    public async Task FullDuplexCall_PingPong_EachResponseArrivesBeforeNextRequest()
    {
        await using var host = await GrpcTestHost.StartAsync();
        var content = new DuplexContent();
        using var response = await SendDuplexAsync(host, content, firstSize: 31);
        var reader = new MessageStreamReader(await response.Content.ReadAsStreamAsync());

        Assert.Equal(31, (await reader.ReadAsync(StreamingOutputCallResponse.Parser)).Payload.Body.Length);
        foreach (var size in new[] { 9, 2653, 0 })
        {
            // The previous response is in hand while the request stream is still open: it was flushed on its own.
            await content.SendAsync(GrpcWire.Frame(new StreamingOutputCallRequest { ResponseParameters = { new ResponseParameters { Size = size } } }));
            Assert.Equal(size, (await reader.ReadAsync(StreamingOutputCallResponse.Parser)).Payload.Body.Length);
        }

        content.Complete();
        Assert.Null(await reader.ReadAsync());
        Assert.Equal("0", string.Join(",", response.TrailingHeaders.GetValues("grpc-status")));
    }

    [Fact]
    public async Task FullDuplexCall_OverlappingReads_SecondRefused()
    {
        var outcome = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await GrpcTestHost.StartAsync();
        host.Script.Duplex = async (requests, responses, context) =>
        {
            Assert.True(await requests.MoveNext(CancellationToken.None));

            // The client sends nothing more yet: this read waits, and a second one would interleave with it.
            var read = requests.MoveNext(CancellationToken.None);
            Exception? overlapping = null;
            try
            {
                await requests.MoveNext(CancellationToken.None);
            }
            catch (InvalidOperationException ex)
            {
                overlapping = ex;
            }

            outcome.SetResult(overlapping);
            Assert.False(await read);
        };
        var content = new DuplexContent();
        var call = GrpcWire.CallAsync(host.Client, GrpcWire.Request(TestPaths.Duplex, content));
        await content.SendAsync(GrpcWire.Frame(new StreamingOutputCallRequest()));

        var overlapping = await outcome.Task.WaitAsync(TestTimeouts.Call);
        content.Complete();
        var result = await call;

        Assert.IsType<InvalidOperationException>(overlapping);
        Assert.Equal(0, result.Status);
    }

    [Fact]
    public async Task StreamingOutputCall_WriteWhilePreviousWaitsForFlowControl_SecondRefused()
    {
        var outcome = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await GrpcTestHost.StartAsync();
        host.Script.ServerStreaming = async (_, responses, context) =>
        {
            // The client reads nothing: once its flow-control window and Kestrel's buffer are full, a write waits.
            var chunk = new StreamingOutputCallResponse { Payload = ServiceScript.Zeros(64 * 1024) };
            for (var i = 0; i < 2000; i++)
            {
                var write = responses.WriteAsync(chunk);
                if (!write.IsCompleted)
                {
                    try
                    {
                        await responses.WriteAsync(chunk);
                        outcome.TrySetResult(null);
                    }
                    catch (InvalidOperationException ex)
                    {
                        outcome.TrySetResult(ex);
                    }

                    await write;
                    return;
                }

                await write;
            }

            outcome.TrySetResult(null);
        };

        var send = host.Client.SendAsync(GrpcWire.Request(TestPaths.ServerStreaming, GrpcWire.Frame(new StreamingOutputCallRequest())), HttpCompletionOption.ResponseHeadersRead);
        var overlapping = await outcome.Task.WaitAsync(TestTimeouts.Call);
        (await send.WaitAsync(TestTimeouts.Call)).Dispose();

        Assert.IsType<InvalidOperationException>(overlapping);
    }

    private static async Task<HttpResponseMessage> SendDuplexAsync(GrpcTestHost host, DuplexContent content, int firstSize)
    {
        var send = host.Client.SendAsync(GrpcWire.Request(TestPaths.Duplex, content), HttpCompletionOption.ResponseHeadersRead);
        await content.SendAsync(GrpcWire.Frame(new StreamingOutputCallRequest { ResponseParameters = { new ResponseParameters { Size = firstSize } } }));
        return await send.WaitAsync(TestTimeouts.Call);
    }
}
