using Grpc.Core;
using Microsoft.AspNetCore.Connections.Features;
using SentinelSync.Rpc.Tests.Infrastructure;

namespace SentinelSync.Rpc.Tests.Client;

/// <summary>
/// A connection the server drops under a call (a shutdown or restart) is a transport failure: UNAVAILABLE,
/// which callers retry, on every side of the call, as in grpc-dotnet.
/// </summary>
public class ConnectionLossTests
{
    [Fact]
    public async Task DuplexCall_ServerAbortsConnectionBetweenWrites_WriteAndReadFailUnavailable()
    {
        var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var headersRead = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await RawHttp2Server.StartAsync(async context =>
        {
            RawHttp2Server.StartGrpcResponse(context.Response);
            await context.Response.BodyWriter.FlushAsync();
            await GrpcFrames.ReadFrameAsync(context.Request.BodyReader, context.RequestAborted);
            await headersRead.Task.WaitAsync(TimeSpan.FromSeconds(20));

            // The whole TCP connection, not just this stream: what a server going away does to its agents.
            context.Features.Get<IConnectionLifetimeFeature>()!.Abort();
            aborted.TrySetResult();
        });
        using var channel = server.CreateChannel();
        using var call = channel.CreateCallInvoker().AsyncDuplexStreamingCall(RawMethods.Duplex, null, new CallOptions());

        // The first write starts the request (the client need not send its headers before it). An abortive close
        // may discard what the client has not read yet: the server waits until the response headers are in.
        await call.RequestStream.WriteAsync("first"u8.ToArray()).WithTimeout();
        await call.ResponseHeadersAsync.WithTimeout();
        headersRead.TrySetResult();
        await aborted.Task.WithTimeout();

        // Writes after the loss reached the client meet a request body the handler has already closed
        // (the in-flight write that could race with the loss is avoided by the pause). Nothing reads the
        // response meanwhile, so the write alone must tell the caller the transport is gone.
        var writeFailure = await Assert.ThrowsAsync<RpcException>(() => WriteUntilFailureAsync(call.RequestStream).WithTimeout());
        var readFailure = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None).WithTimeout());

        Assert.True(writeFailure.StatusCode == StatusCode.Unavailable, writeFailure.Status.ToString());
        Assert.True(readFailure.StatusCode == StatusCode.Unavailable, readFailure.Status.ToString());
        Assert.Equal(StatusCode.Unavailable, call.GetStatus().StatusCode);
    }

    private static async Task WriteUntilFailureAsync(IClientStreamWriter<byte[]> writer)
    {
        while (true)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20));
            await writer.WriteAsync("next"u8.ToArray());
        }
    }
}
