using System.Collections.Concurrent;
using Grpc.Core;
using Grpc.Net.Client;
using SentinelSync.Rpc.Tests.Infrastructure;

namespace SentinelSync.Rpc.Tests.Client;

/// <summary>Connection use of the default handler: reuse, many concurrent streams, keepalive.</summary>
public class ConnectionTests
{
    [Fact]
    public async Task UnaryCalls_OneAfterAnother_ReuseOneConnection()
    {
        var connections = new ConcurrentBag<string>();
        await using var server = await RawHttp2Server.StartAsync(async context =>
        {
            connections.Add(context.Connection.Id);
            await ResponseHandlingTests.OkResponse(context);
        });
        using var channel = server.CreateChannel();
        var invoker = channel.CreateCallInvoker();

        for (var i = 0; i < 20; i++)
        {
            await invoker.AsyncUnaryCall(RawMethods.Unary, null, new CallOptions(), []).ResponseAsync.WithTimeout();
        }

        Assert.Equal(20, connections.Count);
        Assert.Single(connections.Distinct());
    }

    [Fact]
    public async Task UnaryCalls_MoreConcurrentThanTheServerStreamLimit_AllSucceedOverMoreConnections()
    {
        const int Calls = 250;
        var connections = new ConcurrentDictionary<string, int>();
        var arrived = 0;
        var allArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await RawHttp2Server.StartAsync(
            async context =>
            {
                connections.AddOrUpdate(context.Connection.Id, 1, (_, n) => n + 1);

                // Hold every call until all are in flight at once.
                if (Interlocked.Increment(ref arrived) == Calls)
                {
                    allArrived.TrySetResult();
                }

                await allArrived.Task.WaitAsync(context.RequestAborted);
                await ResponseHandlingTests.OkResponse(context);
            },
            kestrel => kestrel.Limits.Http2.MaxStreamsPerConnection = 100);
        using var channel = server.CreateChannel();
        var invoker = channel.CreateCallInvoker();

        var calls = Enumerable.Range(0, Calls).Select(_ => invoker.AsyncUnaryCall(RawMethods.Unary, null, new CallOptions(), []).ResponseAsync).ToArray();
        await Task.WhenAll(calls).WithTimeout();

        Assert.All(calls, c => Assert.Equal("ok"u8.ToArray(), c.Result));
        Assert.InRange(connections.Count, 3, 10);
    }

    [Fact]
    public async Task StreamingCall_PeerStopsAnsweringPings_FailsUnavailable()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await RawHttp2Server.StartAsync(async context =>
        {
            RawHttp2Server.StartGrpcResponse(context.Response);
            await RawHttp2Server.WriteAndFlushAsync(context.Response, GrpcFrames.Frame("hello"u8));
            started.TrySetResult();
            await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        });
        await using var proxy = new FreezableTcpProxy(server.Address);
        using var channel = GrpcChannel.ForAddress(proxy.Address, new GrpcChannelOptions
        {
            KeepAlivePingDelay = TimeSpan.FromSeconds(1),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(1),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
        });
        using var call = channel.CreateCallInvoker().AsyncServerStreamingCall(RawMethods.ServerStreaming, null, new CallOptions(), []);
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).WithTimeout());
        await started.Task.WithTimeout();

        proxy.Freeze();
        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None).WithTimeout(TimeSpan.FromSeconds(15)));

        Assert.True(ex.StatusCode == StatusCode.Unavailable, ex.Status.ToString());
    }

    [Fact]
    public async Task StreamingCall_HealthyPeerQuietLongerThanPingTimeout_Survives()
    {
        await using var server = await RawHttp2Server.StartAsync(async context =>
        {
            RawHttp2Server.StartGrpcResponse(context.Response);
            await context.Response.BodyWriter.FlushAsync();
            await Task.Delay(TimeSpan.FromSeconds(4), context.RequestAborted);
            await RawHttp2Server.WriteAndFlushAsync(context.Response, GrpcFrames.Frame("late"u8));
            RawHttp2Server.SetStatusTrailers(context.Response, 0);
        });
        await using var proxy = new FreezableTcpProxy(server.Address);
        using var channel = GrpcChannel.ForAddress(proxy.Address, new GrpcChannelOptions
        {
            KeepAlivePingDelay = TimeSpan.FromSeconds(1),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(1),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
        });
        using var call = channel.CreateCallInvoker().AsyncServerStreamingCall(RawMethods.ServerStreaming, null, new CallOptions(), []);

        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).WithTimeout());
        Assert.Equal("late"u8.ToArray(), call.ResponseStream.Current);
        Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None).WithTimeout());
    }
}
