using Grpc.Core;
using Grpc.Testing;

namespace SentinelSync.Rpc.Server.Tests;

/// <summary>A client that resets its stream (RST_STREAM CANCEL) cancels the handler.</summary>
public sealed class CancellationTests
{
    [Fact]
    public async Task FullDuplexCall_ClientResetsAfterHeaders_HandlerTokenFires()
    {
        var tokenFired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await GrpcTestHost.StartAsync();
        host.Script.Duplex = async (requests, _, context) =>
        {
            // Not disposed in the handler: a handler unwinding inline (cancelled Task.Delay) would unregister it before it runs.
            context.CancellationToken.Register(() => tokenFired.TrySetResult());
            await context.WriteResponseHeadersAsync(new Metadata { { "x-ready", "1" } });
            await Task.Delay(Timeout.Infinite, context.CancellationToken);
        };
        using var cancel = new CancellationTokenSource();
        var content = new DuplexContent();

        var send = host.Client.SendAsync(GrpcWire.Request(TestPaths.Duplex, content), HttpCompletionOption.ResponseHeadersRead, cancel.Token);

        // HttpClient may hold back the request headers until the body's first bytes: send a message.
        await content.SendAsync(GrpcWire.Frame(new StreamingOutputCallRequest()));
        var response = await send.WaitAsync(TestTimeouts.Call);
        Assert.True(response.Headers.Contains("x-ready"));
        var body = await response.Content.ReadAsStreamAsync();
        var read = body.ReadAsync(new byte[1], cancel.Token).AsTask();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read.WaitAsync(TestTimeouts.Call));
        response.Dispose();

        await tokenFired.Task.WaitAsync(TestTimeouts.Call);
        await WaitForLogAsync(host, 2104);
    }

    /// <param name="ownToken">The handler reads with a token of its own (never cancelled) instead of none: the reset
    /// alone must still end the read, with no token source linking the two.</param>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task StreamingInputCall_ClientResetsWhileHandlerReads_ReadFailsTokenFiresAndNoErrorLogged(bool ownToken)
    {
        var readFailed = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        var tokenFired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var own = new CancellationTokenSource();
        await using var host = await GrpcTestHost.StartAsync();
        host.Script.ClientStreaming = async (requests, context) =>
        {
            // Not disposed in the handler: a handler unwinding inline (cancelled Task.Delay) would unregister it before it runs.
            context.CancellationToken.Register(() => tokenFired.TrySetResult());
            started.SetResult();
            try
            {
                while (await requests.MoveNext(ownToken ? own.Token : CancellationToken.None))
                {
                }
            }
            catch (Exception ex)
            {
                readFailed.SetResult(ex);
                throw;
            }

            return new StreamingInputCallResponse();
        };
        using var cancel = new CancellationTokenSource();
        var content = new DuplexContent();

        var send = host.Client.SendAsync(GrpcWire.Request(TestPaths.ClientStreaming, content), HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        await content.SendAsync(GrpcWire.Frame(new StreamingInputCallRequest { Payload = ServiceScript.Zeros(10) }));
        await started.Task.WaitAsync(TestTimeouts.Call);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => send.WaitAsync(TestTimeouts.Call));

        await readFailed.Task.WaitAsync(TestTimeouts.Call);
        await tokenFired.Task.WaitAsync(TestTimeouts.Call);

        Assert.False(own.IsCancellationRequested);

        // The reset is a cancellation (event 2104), not a failure of the handler (event 2101).
        await WaitForLogAsync(host, 2104);
        Assert.DoesNotContain(host.Logs.Entries, e => e.EventId.Id == 2101);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task StreamingInputCall_HandlerReadsWithItsOwnToken_CancellingItEndsTheReadWithOrWithoutADeadline(bool deadline)
    {
        var readFailed = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var own = new CancellationTokenSource();
        await using var host = await GrpcTestHost.StartAsync();
        host.Script.ClientStreaming = async (requests, context) =>
        {
            var messages = 0;
            try
            {
                while (await requests.MoveNext(own.Token))
                {
                    if (++messages == 1)
                    {
                        await own.CancelAsync();
                    }
                }
            }
            catch (OperationCanceledException ex)
            {
                readFailed.SetResult(ex);
            }

            return new StreamingInputCallResponse { AggregatedPayloadSize = messages };
        };
        var content = new DuplexContent();
        var request = GrpcWire.Request(TestPaths.ClientStreaming, content);
        if (deadline)
        {
            request.Headers.TryAddWithoutValidation("grpc-timeout", "1M");
        }

        var send = host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await content.SendAsync(GrpcWire.Frame(new StreamingInputCallRequest { Payload = ServiceScript.Zeros(10) }));

        Assert.IsAssignableFrom<OperationCanceledException>(await readFailed.Task.WaitAsync(TestTimeouts.Call));
        using var response = await send.WaitAsync(TestTimeouts.Call);
        content.Complete();
        var result = await GrpcResult.ReadAsync(response).WaitAsync(TestTimeouts.Call);
        Assert.Equal(0, result.Status);
    }

    private static async Task WaitForLogAsync(GrpcTestHost host, int eventId)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Call);
        while (!host.Logs.Entries.Any(e => e.EventId.Id == eventId))
        {
            await Task.Delay(5, timeout.Token);
        }
    }
}
