using Grpc.Core;
using Grpc.Core.Interceptors;
using SentinelSync.Rpc.Tests.Infrastructure;

namespace SentinelSync.Rpc.Tests.Client;

public class InterceptorTests
{
    [Fact]
    public async Task Intercept_SeveralInterceptors_FirstInListSeesCallFirstAndAllReachTheWire()
    {
        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await RawHttp2Server.StartAsync(async context =>
        {
            received.TrySetResult(context.Request.Headers["x-order"].ToString());
            await ResponseHandlingTests.OkResponse(context);
        });
        using var channel = server.CreateChannel();
        var log = new List<string>();
        var invoker = channel.Intercept(new Recording("a", log), new Recording("b", log));

        using var call = invoker.AsyncUnaryCall(RawMethods.Unary, null, new CallOptions(), []);
        await call.ResponseAsync.WithTimeout();

        Assert.Equal(["a", "b"], log);
        Assert.Equal("a,b", (await received.Task.WithTimeout()).Replace(" ", string.Empty, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Intercept_StreamingCalls_PassThroughInterceptor()
    {
        await using var server = await RawHttp2Server.StartAsync(async context =>
        {
            await GrpcFrames.ReadAllAsync(context.Request.BodyReader, context.RequestAborted);
            await ResponseHandlingTests.OkResponse(context, System.Text.Encoding.ASCII.GetBytes(context.Request.Headers["x-order"].ToString()));
        });
        using var channel = server.CreateChannel();
        var log = new List<string>();
        var invoker = channel.CreateCallInvoker().Intercept(new Recording("only", log));

        using var duplex = invoker.AsyncDuplexStreamingCall(RawMethods.Duplex, null, new CallOptions());
        await duplex.RequestStream.CompleteAsync().WithTimeout();
        Assert.True(await duplex.ResponseStream.MoveNext(CancellationToken.None).WithTimeout());
        using var clientStreaming = invoker.AsyncClientStreamingCall(RawMethods.ClientStreaming, null, new CallOptions());
        await clientStreaming.RequestStream.CompleteAsync().WithTimeout();
        using var serverStreaming = invoker.AsyncServerStreamingCall(RawMethods.ServerStreaming, null, new CallOptions(), []);
        Assert.True(await serverStreaming.ResponseStream.MoveNext(CancellationToken.None).WithTimeout());

        Assert.Equal("only"u8.ToArray(), duplex.ResponseStream.Current);
        Assert.Equal("only"u8.ToArray(), await clientStreaming.ResponseAsync.WithTimeout());
        Assert.Equal("only"u8.ToArray(), serverStreaming.ResponseStream.Current);
        Assert.Equal(["only", "only", "only"], log);
    }

    [Fact]
    public async Task Intercept_MetadataFunction_AddsRequestHeader()
    {
        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await RawHttp2Server.StartAsync(async context =>
        {
            received.TrySetResult(context.Request.Headers.Authorization.ToString());
            await ResponseHandlingTests.OkResponse(context);
        });
        using var channel = server.CreateChannel();
        var invoker = channel.CreateCallInvoker().Intercept(metadata =>
        {
            metadata.Add("authorization", "Bearer t0ken");
            return metadata;
        });

        await invoker.AsyncUnaryCall(RawMethods.Unary, null, new CallOptions(), []).ResponseAsync.WithTimeout();

        Assert.Equal("Bearer t0ken", await received.Task.WithTimeout());
    }

    private sealed class Recording(string name, List<string> log) : Interceptor
    {
        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
        {
            log.Add(name);
            return continuation(request, WithOrder(context));
        }

        public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation)
        {
            log.Add(name);
            return continuation(request, WithOrder(context));
        }

        public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context, AsyncClientStreamingCallContinuation<TRequest, TResponse> continuation)
        {
            log.Add(name);
            return continuation(WithOrder(context));
        }

        public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context, AsyncDuplexStreamingCallContinuation<TRequest, TResponse> continuation)
        {
            log.Add(name);
            return continuation(WithOrder(context));
        }

        private ClientInterceptorContext<TRequest, TResponse> WithOrder<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context)
            where TRequest : class
            where TResponse : class
        {
            var headers = new Metadata();
            foreach (var entry in context.Options.Headers ?? [])
            {
                headers.Add(entry);
            }

            headers.Add("x-order", name);
            return new ClientInterceptorContext<TRequest, TResponse>(context.Method, context.Host, context.Options.WithHeaders(headers));
        }
    }
}
