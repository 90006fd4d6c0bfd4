using Grpc.Core;
using Grpc.Testing;

namespace SentinelSync.Rpc.Server.Tests;

/// <summary>grpc-timeout: every unit, the handler's token, DEADLINE_EXCEEDED, and the reset of a stuck handler. Fake time.</summary>
public sealed class DeadlineTests
{
    public static TheoryData<string, long> Units => new()
    {
        { "2H", TimeSpan.FromHours(2).Ticks },
        { "3M", TimeSpan.FromMinutes(3).Ticks },
        { "4S", TimeSpan.FromSeconds(4).Ticks },
        { "250m", TimeSpan.FromMilliseconds(250).Ticks },
        { "1500u", TimeSpan.FromMicroseconds(1500).Ticks },
        { "2500n", 25 },
        { "99999999S", TimeSpan.FromSeconds(99_999_999).Ticks },
    };

    [Theory]
    [MemberData(nameof(Units))]
    public async Task UnaryCall_GrpcTimeoutInEachUnit_SetsDeadline(string header, long expectedTicks)
    {
        var time = new ManualTimeProvider();
        await using var host = await GrpcTestHost.StartAsync(time: time);
        host.Script.Unary = (_, context) => Task.FromResult(new SimpleResponse { Username = context.Deadline.Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var request = GrpcWire.Request(TestPaths.Unary, GrpcWire.Frame(new SimpleRequest()));
        request.Headers.TryAddWithoutValidation("grpc-timeout", header);

        var result = await GrpcWire.CallAsync(host.Client, request);

        Assert.Equal(0, result.Status);
        var deadline = long.Parse(SimpleResponse.Parser.ParseFrom(Assert.Single(result.Messages).Payload).Username, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(time.GetUtcNow().UtcDateTime.Ticks + expectedTicks, deadline);
        Assert.Equal(0, time.ArmedTimerCount);
    }

    [Theory]
    [InlineData("10")]
    [InlineData("1x")]
    [InlineData("123456789S")]
    [InlineData("-1S")]
    public async Task UnaryCall_MalformedGrpcTimeout_NoDeadline(string header)
    {
        await using var host = await GrpcTestHost.StartAsync(time: new ManualTimeProvider());
        host.Script.Unary = (_, context) => Task.FromResult(new SimpleResponse { Username = (context.Deadline == DateTime.MaxValue).ToString() });
        var request = GrpcWire.Request(TestPaths.Unary, GrpcWire.Frame(new SimpleRequest()));
        request.Headers.TryAddWithoutValidation("grpc-timeout", header);

        var result = await GrpcWire.CallAsync(host.Client, request);

        Assert.Equal("True", SimpleResponse.Parser.ParseFrom(Assert.Single(result.Messages).Payload).Username);
    }

    [Fact]
    public async Task UnaryCall_SleepingHandler_TokenFiresAndDeadlineExceeded()
    {
        var time = new ManualTimeProvider();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tokenFired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await GrpcTestHost.StartAsync(time: time);
        host.Script.Unary = async (_, context) =>
        {
            // Not disposed in the handler: a handler unwinding inline (cancelled Task.Delay) would unregister it before it runs.
            context.CancellationToken.Register(() => tokenFired.TrySetResult());
            started.SetResult();
            await Task.Delay(Timeout.Infinite, context.CancellationToken);
            return new SimpleResponse();
        };
        var request = GrpcWire.Request(TestPaths.Unary, GrpcWire.Frame(new SimpleRequest()));
        request.Headers.TryAddWithoutValidation("grpc-timeout", "5S");

        var call = GrpcWire.CallAsync(host.Client, request);
        await started.Task.WaitAsync(TestTimeouts.Call);
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.False(tokenFired.Task.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        var result = await call;

        var fired = await Task.WhenAny(tokenFired.Task, Task.Delay(TestTimeouts.Call)) == tokenFired.Task;
        Assert.True(fired, $"The handler's token did not fire; the call ended with {result.Status} '{result.RawMessage}'. Server log:\n{host.Logs.Describe()}");
        Assert.Equal((int)StatusCode.DeadlineExceeded, result.Status);
        Assert.True(result.IsTrailersOnly);
        Assert.Equal("Deadline Exceeded", result.RawMessage);
    }

    [Fact]
    public async Task FullDuplexCall_HandlerIgnoresToken_StatusSentAndStreamReset()
    {
        var time = new ManualTimeProvider();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handlerEnded = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await GrpcTestHost.StartAsync(time: time);
        host.Script.Duplex = async (requests, responses, context) =>
        {
            await responses.WriteAsync(new StreamingOutputCallResponse { Payload = ServiceScript.Zeros(3) });
            started.SetResult();

            // A handler that does not watch its token: the server must not wait for it.
            await release.Task;
            try
            {
                await responses.WriteAsync(new StreamingOutputCallResponse());
                handlerEnded.SetResult(null);
            }
            catch (Exception ex)
            {
                handlerEnded.SetResult(ex);
            }
        };
        var content = new DuplexContent();
        var request = GrpcWire.Request(TestPaths.Duplex, content);
        request.Headers.TryAddWithoutValidation("grpc-timeout", "1S");

        var send = host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);

        // HttpClient may hold back the request headers until the body's first bytes: send a message.
        await content.SendAsync(GrpcWire.Frame(new StreamingOutputCallRequest()));
        using var response = await send.WaitAsync(TestTimeouts.Call);
        var reader = new MessageStreamReader(await response.Content.ReadAsStreamAsync());
        Assert.Equal(3, (await reader.ReadAsync(StreamingOutputCallResponse.Parser)).Payload.Body.Length);
        await started.Task.WaitAsync(TestTimeouts.Call);
        time.Advance(TimeSpan.FromSeconds(1));

        // The status arrives although the handler is still running ...
        Assert.Null(await reader.ReadAsync());
        Assert.Equal("4", Assert.Single(response.TrailingHeaders.GetValues("grpc-status")));

        // ... and once the grace period has passed with the handler still running, the stream is reset (CANCEL),
        // so the client's request body is refused.
        await content.SendAsync(GrpcWire.Frame(new StreamingOutputCallRequest()));
        Assert.DoesNotContain(host.Logs.Entries, e => e.EventId.Id == 2109);
        time.Advance(TimeSpan.FromSeconds(1));
        await WaitUntilAsync(() => host.Logs.Entries.Any(e => e.EventId.Id == 2109));
        await SendUntilRefusedAsync(content);
        await Assert.ThrowsAnyAsync<Exception>(() => content.Finished);
        Assert.False(handlerEnded.Task.IsCompleted);

        // A write after the deadline is refused; the handler still ends cleanly.
        release.SetResult();
        var refused = await handlerEnded.Task.WaitAsync(TestTimeouts.Call);
        Assert.True(refused is OperationCanceledException or InvalidOperationException, $"Unexpected: {refused}");
    }

    [Fact]
    public async Task UnaryCall_AlreadyExpiredTimeout_DeadlineExceeded()
    {
        await using var host = await GrpcTestHost.StartAsync(time: new ManualTimeProvider());
        host.Script.Unary = async (_, context) =>
        {
            await Task.Delay(Timeout.Infinite, context.CancellationToken);
            return new SimpleResponse();
        };
        var request = GrpcWire.Request(TestPaths.Unary, GrpcWire.Frame(new SimpleRequest()));
        request.Headers.TryAddWithoutValidation("grpc-timeout", "0n");

        var result = await GrpcWire.CallAsync(host.Client, request);

        Assert.Equal((int)StatusCode.DeadlineExceeded, result.Status);
    }

    [Fact]
    public async Task StreamingInputCall_DeadlineWhileReading_DeadlineExceeded()
    {
        var time = new ManualTimeProvider();
        await using var host = await GrpcTestHost.StartAsync(time: time);
        var content = new DuplexContent();
        var request = GrpcWire.Request(TestPaths.ClientStreaming, content);
        request.Headers.TryAddWithoutValidation("grpc-timeout", "100m");

        var call = GrpcWire.CallAsync(host.Client, request);
        await content.SendAsync(GrpcWire.Frame(new StreamingInputCallRequest { Payload = ServiceScript.Zeros(10) }));
        await WaitUntilAsync(() => time.ArmedTimerCount == 1);
        time.Advance(TimeSpan.FromMilliseconds(100));
        var result = await call;

        Assert.Equal((int)StatusCode.DeadlineExceeded, result.Status);
    }

    /// <summary>Writes to a request body until the transport refuses it (the reset may still be in flight).</summary>
    private static async Task<Exception> SendUntilRefusedAsync(DuplexContent content)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Call);
        while (true)
        {
            try
            {
                await content.SendAsync(GrpcWire.Frame(new StreamingOutputCallRequest()));
            }
            catch (Exception ex)
            {
                return ex;
            }

            await Task.Delay(5, timeout.Token);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Call);
        while (!condition())
        {
            await Task.Delay(5, timeout.Token);
        }
    }
}
