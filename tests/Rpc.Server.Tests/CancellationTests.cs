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
            using var registration = context.CancellationToken.Register(() => tokenFired.TrySetResult());
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

    [Fact]
    public async Task StreamingInputCall_ClientResetsWhileHandlerReads_ReadFailsAndTokenFires()
    {
        var outcome = new TaskCompletionSource<(Exception Error, bool TokenCancelled)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await GrpcTestHost.StartAsync();
        host.Script.ClientStreaming = async (requests, context) =>
        {
            started.SetResult();
            try
            {
                while (await requests.MoveNext(CancellationToken.None))
                {
                }
            }
            catch (Exception ex)
            {
                outcome.SetResult((ex, context.CancellationToken.IsCancellationRequested));
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

        var (_, tokenCancelled) = await outcome.Task.WaitAsync(TestTimeouts.Call);
        Assert.True(tokenCancelled);
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
