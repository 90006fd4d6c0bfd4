using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
using Grpc.Testing;

namespace SentinelSync.Rpc.Server.Tests;

/// <summary>Every call gets a server span from the "SentinelSync.Rpc" ActivitySource, parented by W3C traceparent.</summary>
public sealed class TracingTests
{
    [Fact]
    public async Task UnaryCall_TraceparentHeader_ServerSpanIsChildWithRpcTags()
    {
        const string traceId = "0af7651916cd43dd8448eb211c80319c";
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "SentinelSync.Rpc",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        await using var host = await GrpcTestHost.StartAsync();
        string? currentInHandler = null;
        host.Script.Unary = (_, _) =>
        {
            currentInHandler = Activity.Current?.TraceId.ToHexString();
            throw new RpcException(new Status(StatusCode.Internal, "boom"));
        };
        var request = GrpcWire.Request(TestPaths.Unary, GrpcWire.Frame(new SimpleRequest()));
        request.Headers.TryAddWithoutValidation("traceparent", $"00-{traceId}-b7ad6b7169203331-01");
        request.Headers.TryAddWithoutValidation("tracestate", "vendor=value");

        var result = await GrpcWire.CallAsync(host.Client, request);

        Assert.Equal((int)StatusCode.Internal, result.Status);
        Assert.Equal(traceId, currentInHandler);
        var span = Assert.Single(stopped, a => a.TraceId.ToHexString() == traceId);
        Assert.Equal(ActivityKind.Server, span.Kind);
        Assert.Equal("grpc.testing.TestService/UnaryCall", span.DisplayName);
        Assert.Equal("b7ad6b7169203331", span.ParentSpanId.ToHexString());
        Assert.Equal("vendor=value", span.TraceStateString);
        Assert.Equal("grpc", span.GetTagItem("rpc.system"));
        Assert.Equal("grpc.testing.TestService", span.GetTagItem("rpc.service"));
        Assert.Equal("UnaryCall", span.GetTagItem("rpc.method"));
        Assert.Equal(13, span.GetTagItem("rpc.grpc.status_code"));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
    }
}
