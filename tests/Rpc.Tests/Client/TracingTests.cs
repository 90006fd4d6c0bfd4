using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
using SentinelSync.Rpc.Tests.Infrastructure;

namespace SentinelSync.Rpc.Tests.Client;

public sealed class TracingTests : IDisposable
{
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener;

    public TracingTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "SentinelSync.Rpc",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose() => _listener.Dispose();

    [Fact]
    public async Task UnaryCall_Listened_OneClientActivityWhoseContextReachesTheServer()
    {
        var traceparent = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await RawHttp2Server.StartAsync(async context =>
        {
            traceparent.TrySetResult(context.Request.Headers["traceparent"].ToString());
            await ResponseHandlingTests.OkResponse(context);
        });
        using var channel = server.CreateChannel();
        using var parent = new Activity("caller").SetIdFormat(ActivityIdFormat.W3C).Start();

        await channel.CreateCallInvoker().AsyncUnaryCall(RawMethods.Unary, null, new CallOptions(), []).ResponseAsync.WithTimeout();

        Assert.Same(parent, Activity.Current);
        var activity = Assert.Single(_stopped, a => a.OperationName == "test.Raw/Unary" && a.ParentSpanId == parent.SpanId);
        Assert.Equal(ActivityKind.Client, activity.Kind);
        Assert.Equal(parent.TraceId, activity.TraceId);
        Assert.Equal("grpc", activity.GetTagItem("rpc.system"));
        Assert.Equal("test.Raw", activity.GetTagItem("rpc.service"));
        Assert.Equal("Unary", activity.GetTagItem("rpc.method"));
        Assert.Equal(0, activity.GetTagItem("rpc.grpc.status_code"));
        Assert.Equal($"00-{activity.TraceId}-{activity.SpanId}-01", await traceparent.Task.WithTimeout());
    }

    [Fact]
    public async Task ServerStreamingCall_Failed_ActivityRecordsStatusCode()
    {
        await using var server = await RawHttp2Server.StartAsync(context =>
        {
            RawHttp2Server.StartGrpcResponse(context.Response);
            context.Response.Headers["grpc-status"] = "14";
            return Task.CompletedTask;
        });
        using var channel = server.CreateChannel();
        using var parent = new Activity("caller").SetIdFormat(ActivityIdFormat.W3C).Start();
        using var call = channel.CreateCallInvoker().AsyncServerStreamingCall(RawMethods.ServerStreaming, null, new CallOptions(), []);

        await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None).WithTimeout());

        var activity = Assert.Single(_stopped, a => a.OperationName == "test.Raw/ServerStreaming" && a.ParentSpanId == parent.SpanId);
        Assert.Equal(14, activity.GetTagItem("rpc.grpc.status_code"));
        Assert.Equal(ActivityStatusCode.Error, activity.Status);
    }

    [Fact]
    public async Task UnaryCall_CallerSetTraceparent_KeptAsIs()
    {
        const string Own = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        var traceparent = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await RawHttp2Server.StartAsync(async context =>
        {
            traceparent.TrySetResult(context.Request.Headers["traceparent"].ToString());
            await ResponseHandlingTests.OkResponse(context);
        });
        using var channel = server.CreateChannel();

        await channel.CreateCallInvoker().AsyncUnaryCall(RawMethods.Unary, null, new CallOptions(new Metadata { { "traceparent", Own } }), []).ResponseAsync.WithTimeout();

        Assert.Equal(Own, await traceparent.Task.WithTimeout());
    }
}
