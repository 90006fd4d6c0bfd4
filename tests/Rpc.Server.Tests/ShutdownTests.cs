using Grpc.Testing;

namespace SentinelSync.Rpc.Server.Tests;

/// <summary>Graceful shutdown: calls in flight when the host stops finish normally before it has stopped.</summary>
public sealed class ShutdownTests
{
    [Fact]
    public async Task StopAsync_CallInFlight_DrainsBeforeHostStops()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var host = await GrpcTestHost.StartAsync();
        try
        {
            host.Script.Unary = async (request, context) =>
            {
                started.SetResult();
                await release.Task.WaitAsync(context.CancellationToken);
                return new SimpleResponse { Payload = ServiceScript.Zeros(request.ResponseSize) };
            };
            var call = GrpcWire.CallAsync(host.Client, GrpcWire.Request(TestPaths.Unary, GrpcWire.Frame(new SimpleRequest { ResponseSize = 5 })));
            await started.Task.WaitAsync(TestTimeouts.Call);

            var stop = host.App.StopAsync();

            // The host waits for the call (Kestrel's shutdown timeout is 10 s here) ...
            await Assert.ThrowsAsync<TimeoutException>(() => stop.WaitAsync(TimeSpan.FromMilliseconds(300)));
            Assert.False(call.IsCompleted);

            // ... which then completes normally, and the host stops.
            release.SetResult();
            var result = await call;
            await stop.WaitAsync(TestTimeouts.Call);
            Assert.Equal(0, result.Status);
            Assert.Equal(5, SimpleResponse.Parser.ParseFrom(Assert.Single(result.Messages).Payload).Payload.Body.Length);
        }
        finally
        {
            release.TrySetResult();
            await host.DisposeAsync();
        }
    }
}
