using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Http;
using SentinelSync.Rpc.Tests.Infrastructure;

namespace SentinelSync.Rpc.Tests.Client;

/// <summary>Deadlines, cancellation, disposal, and the streaming reader/writer contracts.</summary>
public class CallLifetimeTests
{
    [Fact]
    public async Task UnaryCall_ServerNeverAnswers_DeadlineExceededAndServerSeesAbort()
    {
        var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var timeoutHeader = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await RawHttp2Server.StartAsync(async context =>
        {
            timeoutHeader.TrySetResult(context.Request.Headers["grpc-timeout"].ToString());
            await ResponseHandlingTests.WaitForAbortAsync(context, aborted);
        });
        using var channel = server.CreateChannel();
        // Long enough for a cold client to connect and send the request on a loaded machine (with 300 ms the
        // deadline once passed before the request left, so the server never saw it).
        using var call = channel.CreateCallInvoker().AsyncUnaryCall(RawMethods.Unary, null, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(2)), []);

        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync.WithTimeout());

        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
        Assert.Equal(StatusCode.DeadlineExceeded, call.GetStatus().StatusCode);
        Assert.True(Grpc.Core.Internal.GrpcTimeout.TryParse(await timeoutHeader.Task.WithTimeout(), out var sent));
        Assert.InRange(sent, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(2));
        await aborted.Task.WithTimeout();
    }

    [Fact]
    public async Task DuplexCall_DeadlinePassesMidStream_DeadlineExceededAndServerSeesAbort()
    {
        var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await RawHttp2Server.StartAsync(async context =>
        {
            RawHttp2Server.StartGrpcResponse(context.Response);
            await RawHttp2Server.WriteAndFlushAsync(context.Response, GrpcFrames.Frame("first"u8));
            await ResponseHandlingTests.WaitForAbortAsync(context, aborted);
        });
        using var channel = server.CreateChannel();
        using var call = channel.CreateCallInvoker().AsyncDuplexStreamingCall(RawMethods.Duplex, null, new CallOptions(deadline: DateTime.UtcNow.AddMilliseconds(500)));

        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).WithTimeout());
        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None).WithTimeout());
        var writeEx = await Assert.ThrowsAsync<RpcException>(() => call.RequestStream.WriteAsync([1]).WithTimeout());

        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
        Assert.Equal(StatusCode.DeadlineExceeded, writeEx.StatusCode);
        await aborted.Task.WithTimeout();
    }

    [Fact]
    public async Task UnaryCall_DeadlineAlreadyPassed_FailsWithoutSending()
    {
        var requests = 0;
        await using var server = await RawHttp2Server.StartAsync(async context =>
        {
            Interlocked.Increment(ref requests);
            await ResponseHandlingTests.OkResponse(context);
        });
        using var channel = server.CreateChannel();

        var ex = await Assert.ThrowsAsync<RpcException>(() => channel.CreateCallInvoker().AsyncUnaryCall(RawMethods.Unary, null, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(-1)), []).ResponseAsync.WithTimeout());

        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
        Assert.Equal(0, Volatile.Read(ref requests));
    }

    [Fact]
    public void UnaryCall_LocalKindDeadline_ThrowsLikeGrpcDotnet()
    {
        using var channel = GrpcChannel.ForAddress("http://127.0.0.1:1");

        Assert.Throws<InvalidOperationException>(() => channel.CreateCallInvoker().AsyncUnaryCall(RawMethods.Unary, null, new CallOptions(deadline: DateTime.Now.AddSeconds(5)), []));
    }

    [Fact]
    public async Task UnaryCall_Cancelled_CancelledAndServerSeesReset()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await RawHttp2Server.StartAsync(async context =>
        {
            started.TrySetResult();
            await ResponseHandlingTests.WaitForAbortAsync(context, aborted);
        });
        using var channel = server.CreateChannel();
        using var cts = new CancellationTokenSource();
        using var call = channel.CreateCallInvoker().AsyncUnaryCall(RawMethods.Unary, null, new CallOptions(cancellationToken: cts.Token), []);

        await started.Task.WithTimeout();
        await cts.CancelAsync();
        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync.WithTimeout());

        Assert.Equal(StatusCode.Cancelled, ex.StatusCode);
        await aborted.Task.WithTimeout();
    }

    [Fact]
    public async Task DuplexCall_CancelledMidStream_ReaderAndWriterFailAndServerSeesReset()
    {
        var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await RawHttp2Server.StartAsync(async context =>
        {
            RawHttp2Server.StartGrpcResponse(context.Response);
            await RawHttp2Server.WriteAndFlushAsync(context.Response, GrpcFrames.Frame("first"u8));
            await ResponseHandlingTests.WaitForAbortAsync(context, aborted);
        });
        using var channel = server.CreateChannel();
        using var cts = new CancellationTokenSource();
        using var call = channel.CreateCallInvoker().AsyncDuplexStreamingCall(RawMethods.Duplex, null, new CallOptions(cancellationToken: cts.Token));

        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).WithTimeout());
        var pending = call.ResponseStream.MoveNext(CancellationToken.None);
        await cts.CancelAsync();
        var ex = await Assert.ThrowsAsync<RpcException>(() => pending.WithTimeout());
        var writeEx = await Assert.ThrowsAsync<RpcException>(() => call.RequestStream.WriteAsync([1]).WithTimeout());

        Assert.Equal(StatusCode.Cancelled, ex.StatusCode);
        Assert.Equal(StatusCode.Cancelled, writeEx.StatusCode);
        Assert.Equal(StatusCode.Cancelled, call.GetStatus().StatusCode);
        await aborted.Task.WithTimeout();
    }

    [Fact]
    public async Task ServerStreamingCall_MoveNextTokenCancelled_CancelsCall()
    {
        var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await RawHttp2Server.StartAsync(async context =>
        {
            RawHttp2Server.StartGrpcResponse(context.Response);
            await context.Response.BodyWriter.FlushAsync();
            await ResponseHandlingTests.WaitForAbortAsync(context, aborted);
        });
        using var channel = server.CreateChannel();
        using var call = channel.CreateCallInvoker().AsyncServerStreamingCall(RawMethods.ServerStreaming, null, new CallOptions(), []);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(cts.Token).WithTimeout());

        Assert.Equal(StatusCode.Cancelled, ex.StatusCode);
        await aborted.Task.WithTimeout();
    }

    [Fact]
    public async Task UnaryCall_CancelledWithThrowOperationCanceledOnCancellation_ThrowsOperationCanceled()
    {
        await using var server = await RawHttp2Server.StartAsync(context => Task.Delay(TestTimeouts.Default, context.RequestAborted));
        using var channel = server.CreateChannel(new GrpcChannelOptions { ThrowOperationCanceledOnCancellation = true });
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        var invoker = channel.CreateCallInvoker();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => invoker.AsyncUnaryCall(RawMethods.Unary, null, new CallOptions(cancellationToken: cts.Token), []).ResponseAsync.WithTimeout());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => invoker.AsyncUnaryCall(RawMethods.Unary, null, new CallOptions(deadline: DateTime.UtcNow.AddMilliseconds(100)), []).ResponseAsync.WithTimeout());
    }

    [Fact]
    public async Task DuplexCall_Disposed_CancelsCallAndServerSeesReset()
    {
        var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await RawHttp2Server.StartAsync(async context =>
        {
            RawHttp2Server.StartGrpcResponse(context.Response);
            await RawHttp2Server.WriteAndFlushAsync(context.Response, GrpcFrames.Frame("first"u8));
            await ResponseHandlingTests.WaitForAbortAsync(context, aborted);
        });
        using var channel = server.CreateChannel();
        var call = channel.CreateCallInvoker().AsyncDuplexStreamingCall(RawMethods.Duplex, null, new CallOptions());
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).WithTimeout());

        call.Dispose();

        await aborted.Task.WithTimeout();
        Assert.Equal(StatusCode.Cancelled, call.GetStatus().StatusCode);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => call.ResponseStream.MoveNext(CancellationToken.None).WithTimeout());
        await Assert.ThrowsAsync<ObjectDisposedException>(() => call.RequestStream.WriteAsync([1]).WithTimeout());
    }

    [Fact]
    public async Task DuplexCall_FullDuplex_ResponsesArriveWhileRequestStreamIsOpen()
    {
        var requestEnded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await RawHttp2Server.StartAsync(async context =>
        {
            RawHttp2Server.StartGrpcResponse(context.Response);
            await context.Response.BodyWriter.FlushAsync();
            while (await GrpcFrames.ReadFrameAsync(context.Request.BodyReader, context.RequestAborted) is { } frame)
            {
                await RawHttp2Server.WriteAndFlushAsync(context.Response, GrpcFrames.Frame([.. frame.Payload, .. "!"u8]));
            }

            requestEnded.TrySetResult();
            RawHttp2Server.SetStatusTrailers(context.Response, 0);
        });
        using var channel = server.CreateChannel();
        using var call = channel.CreateCallInvoker().AsyncDuplexStreamingCall(RawMethods.Duplex, null, new CallOptions());

        foreach (var word in new[] { "ping", "pong", "again" })
        {
            await call.RequestStream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(word)).WithTimeout();
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).WithTimeout());
            Assert.Equal(word + "!", System.Text.Encoding.UTF8.GetString(call.ResponseStream.Current));
        }

        Assert.False(requestEnded.Task.IsCompleted);
        await call.RequestStream.CompleteAsync().WithTimeout();
        await requestEnded.Task.WithTimeout();
        Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None).WithTimeout());
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task ClientStreamingCall_BufferHint_BatchesUntilAFlushingWrite()
    {
        var frames = new List<(int Index, long At)>();
        await using var server = await RawHttp2Server.StartAsync(async context =>
        {
            var index = 0;
            while (await GrpcFrames.ReadFrameAsync(context.Request.BodyReader, context.RequestAborted) is not null)
            {
                lock (frames)
                {
                    frames.Add((index++, Environment.TickCount64));
                }
            }

            await ResponseHandlingTests.OkResponse(context);
        });
        using var channel = server.CreateChannel();
        using var call = channel.CreateCallInvoker().AsyncClientStreamingCall(RawMethods.ClientStreaming, null, new CallOptions());

        call.RequestStream.WriteOptions = new WriteOptions(WriteFlags.BufferHint);
        await call.RequestStream.WriteAsync([1]).WithTimeout();
        await call.RequestStream.WriteAsync([2]).WithTimeout();
        await Task.Delay(300);
        int seenWhileBuffered;
        lock (frames)
        {
            seenWhileBuffered = frames.Count;
        }

        call.RequestStream.WriteOptions = null;
        await call.RequestStream.WriteAsync([3]).WithTimeout();
        await call.RequestStream.CompleteAsync().WithTimeout();
        await call.ResponseAsync.WithTimeout();

        Assert.Equal(0, seenWhileBuffered);
        Assert.Equal(3, frames.Count);
    }

    [Fact]
    public async Task ClientStreamingCall_CompleteAfterBufferedWrites_FlushesThem()
    {
        var count = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await RawHttp2Server.StartAsync(async context =>
        {
            count.TrySetResult((await GrpcFrames.ReadAllAsync(context.Request.BodyReader, context.RequestAborted)).Count);
            await ResponseHandlingTests.OkResponse(context);
        });
        using var channel = server.CreateChannel();
        using var call = channel.CreateCallInvoker().AsyncClientStreamingCall(RawMethods.ClientStreaming, null, new CallOptions(writeOptions: new WriteOptions(WriteFlags.BufferHint)));

        for (var i = 0; i < 5; i++)
        {
            await call.RequestStream.WriteAsync([(byte)i]).WithTimeout();
        }

        await call.RequestStream.CompleteAsync().WithTimeout();

        Assert.Equal("ok"u8.ToArray(), await call.ResponseAsync.WithTimeout());
        Assert.Equal(5, await count.Task.WithTimeout());
    }

    [Fact]
    public async Task DuplexCall_WriteAfterComplete_InvalidOperation()
    {
        await using var server = await RawHttp2Server.StartAsync(EchoUntilEnd);
        using var channel = server.CreateChannel();
        using var call = channel.CreateCallInvoker().AsyncDuplexStreamingCall(RawMethods.Duplex, null, new CallOptions());

        await call.RequestStream.CompleteAsync().WithTimeout();

        await Assert.ThrowsAsync<InvalidOperationException>(() => call.RequestStream.WriteAsync([1]).WithTimeout());
    }

    [Fact]
    public async Task DuplexCall_ConcurrentMoveNext_InvalidOperation()
    {
        await using var server = await RawHttp2Server.StartAsync(EchoUntilEnd);
        using var channel = server.CreateChannel();
        using var call = channel.CreateCallInvoker().AsyncDuplexStreamingCall(RawMethods.Duplex, null, new CallOptions());

        var first = call.ResponseStream.MoveNext(CancellationToken.None);
        await Assert.ThrowsAsync<InvalidOperationException>(() => call.ResponseStream.MoveNext(CancellationToken.None).WithTimeout());

        await call.RequestStream.WriteAsync([7]).WithTimeout();
        Assert.True(await first.WithTimeout());
        await call.RequestStream.CompleteAsync().WithTimeout();
        Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None).WithTimeout());
    }

    [Fact]
    public async Task DuplexCall_WriteWhilePreviousWritePending_InvalidOperation()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await RawHttp2Server.StartAsync(async context =>
        {
            // Read nothing until released: the client's large write waits for HTTP/2 flow control.
            await release.Task.WaitAsync(context.RequestAborted);
            await GrpcFrames.ReadAllAsync(context.Request.BodyReader, context.RequestAborted);
            await ResponseHandlingTests.OkResponse(context);
        });
        using var channel = server.CreateChannel();
        using var call = channel.CreateCallInvoker().AsyncDuplexStreamingCall(RawMethods.Duplex, null, new CallOptions());

        var large = call.RequestStream.WriteAsync(new byte[8 * 1024 * 1024]);
        await Task.Delay(200);
        Assert.False(large.IsCompleted);
        await Assert.ThrowsAsync<InvalidOperationException>(() => call.RequestStream.WriteAsync([1]).WithTimeout());
        await Assert.ThrowsAsync<InvalidOperationException>(() => call.RequestStream.CompleteAsync().WithTimeout());

        release.TrySetResult();
        await large.WithTimeout();
        await call.RequestStream.CompleteAsync().WithTimeout();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).WithTimeout());
    }

    [Fact]
    public async Task ServerStreamingCall_MoveNextAfterEnd_ReturnsFalseAgain()
    {
        await using var server = await RawHttp2Server.StartAsync(context => ResponseHandlingTests.OkResponse(context));
        using var channel = server.CreateChannel();
        using var call = channel.CreateCallInvoker().AsyncServerStreamingCall(RawMethods.ServerStreaming, null, new CallOptions(), []);

        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).WithTimeout());
        Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None).WithTimeout());
        Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None).WithTimeout());
        Assert.Equal("ok"u8.ToArray(), call.ResponseStream.Current);
    }

    [Fact]
    public async Task ServerStreamingCall_ErrorStatus_EveryMoveNextThrowsIt()
    {
        await using var server = await RawHttp2Server.StartAsync(context =>
        {
            RawHttp2Server.StartGrpcResponse(context.Response);
            RawHttp2Server.SetStatusTrailers(context.Response, 9, "not now");
            return Task.CompletedTask;
        });
        using var channel = server.CreateChannel();
        using var call = channel.CreateCallInvoker().AsyncServerStreamingCall(RawMethods.ServerStreaming, null, new CallOptions(), []);

        var first = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None).WithTimeout());
        var second = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None).WithTimeout());

        Assert.Equal(new Status(StatusCode.FailedPrecondition, "not now"), first.Status);
        Assert.Equal(first.Status, second.Status);
    }

    [Fact]
    public async Task DuplexCall_WriteAfterServerEndedOk_InvalidOperation()
    {
        await using var server = await RawHttp2Server.StartAsync(context => ResponseHandlingTests.OkResponse(context));
        using var channel = server.CreateChannel();
        using var call = channel.CreateCallInvoker().AsyncDuplexStreamingCall(RawMethods.Duplex, null, new CallOptions());

        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).WithTimeout());
        Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None).WithTimeout());

        await Assert.ThrowsAsync<InvalidOperationException>(() => call.RequestStream.WriteAsync([1]).WithTimeout());
    }

    [Fact]
    public async Task UnaryCall_StatusAndTrailersBeforeCompletion_InvalidOperation()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await RawHttp2Server.StartAsync(async context =>
        {
            await release.Task.WaitAsync(context.RequestAborted);
            await ResponseHandlingTests.OkResponse(context);
        });
        using var channel = server.CreateChannel();
        using var call = channel.CreateCallInvoker().AsyncUnaryCall(RawMethods.Unary, null, new CallOptions(), []);

        Assert.Throws<InvalidOperationException>(() => call.GetStatus());
        Assert.Throws<InvalidOperationException>(() => call.GetTrailers());
        release.TrySetResult();
        await call.ResponseAsync.WithTimeout();

        Assert.Equal(Status.DefaultSuccess, call.GetStatus());
        Assert.Empty(call.GetTrailers());
    }

    [Fact]
    public async Task BlockingUnaryCall_ServerAnswers_ReturnsResponse()
    {
        await using var server = await RawHttp2Server.StartAsync(context => ResponseHandlingTests.OkResponse(context, "blocking"u8.ToArray()));
        using var channel = server.CreateChannel();

        var response = await Task.Run(() => channel.CreateCallInvoker().BlockingUnaryCall(RawMethods.Unary, null, new CallOptions(), [])).WithTimeout();

        Assert.Equal("blocking"u8.ToArray(), response);
    }

    [Fact]
    public async Task UnaryCall_ServerUnreachable_Unavailable()
    {
        using var channel = GrpcChannel.ForAddress("http://127.0.0.1:1");

        var ex = await Assert.ThrowsAsync<RpcException>(() => channel.CreateCallInvoker().AsyncUnaryCall(RawMethods.Unary, null, new CallOptions(), []).ResponseAsync.WithTimeout());

        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
        await Assert.ThrowsAsync<RpcException>(() => channel.CreateCallInvoker().AsyncUnaryCall(RawMethods.Unary, null, new CallOptions(), []).ResponseHeadersAsync.WithTimeout());
    }

    private static async Task EchoUntilEnd(HttpContext context)
    {
        RawHttp2Server.StartGrpcResponse(context.Response);
        await context.Response.BodyWriter.FlushAsync();
        while (await GrpcFrames.ReadFrameAsync(context.Request.BodyReader, context.RequestAborted) is { } frame)
        {
            await RawHttp2Server.WriteAndFlushAsync(context.Response, GrpcFrames.Frame(frame.Payload));
        }

        RawHttp2Server.SetStatusTrailers(context.Response, 0);
    }
}
