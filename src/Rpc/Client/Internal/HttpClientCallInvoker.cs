using Grpc.Core;

namespace Grpc.Net.Client.Internal;

/// <summary>Starts calls of a <see cref="GrpcChannel"/> as HTTP/2 requests.</summary>
internal sealed class HttpClientCallInvoker : CallInvoker
{
    private readonly GrpcChannel _channel;

    public HttpClientCallInvoker(GrpcChannel channel) => _channel = channel;

    public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
    {
        using var call = AsyncUnaryCall(method, host, options, request);
        return call.ResponseAsync.GetAwaiter().GetResult();
    }

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
    {
        var call = CreateCall(method, host, options);
        var response = call.StartUnary(request);
        return new AsyncUnaryCall<TResponse>(
            response,
            GrpcCall<TRequest, TResponse>.ResponseHeadersCallback,
            GrpcCall<TRequest, TResponse>.StatusCallback,
            GrpcCall<TRequest, TResponse>.TrailersCallback,
            GrpcCall<TRequest, TResponse>.DisposeCallback,
            call);
    }

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
    {
        var call = CreateCall(method, host, options);
        var responseStream = call.StartServerStreaming(request);
        return new AsyncServerStreamingCall<TResponse>(
            responseStream,
            GrpcCall<TRequest, TResponse>.ResponseHeadersCallback,
            GrpcCall<TRequest, TResponse>.StatusCallback,
            GrpcCall<TRequest, TResponse>.TrailersCallback,
            GrpcCall<TRequest, TResponse>.DisposeCallback,
            call);
    }

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options)
    {
        var call = CreateCall(method, host, options);
        var (requestStream, response) = call.StartClientStreaming();
        return new AsyncClientStreamingCall<TRequest, TResponse>(
            requestStream,
            response,
            GrpcCall<TRequest, TResponse>.ResponseHeadersCallback,
            GrpcCall<TRequest, TResponse>.StatusCallback,
            GrpcCall<TRequest, TResponse>.TrailersCallback,
            GrpcCall<TRequest, TResponse>.DisposeCallback,
            call);
    }

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options)
    {
        var call = CreateCall(method, host, options);
        var (requestStream, responseStream) = call.StartDuplexStreaming();
        return new AsyncDuplexStreamingCall<TRequest, TResponse>(
            requestStream,
            responseStream,
            GrpcCall<TRequest, TResponse>.ResponseHeadersCallback,
            GrpcCall<TRequest, TResponse>.StatusCallback,
            GrpcCall<TRequest, TResponse>.TrailersCallback,
            GrpcCall<TRequest, TResponse>.DisposeCallback,
            call);
    }

    private GrpcCall<TRequest, TResponse> CreateCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options)
        where TRequest : class
        where TResponse : class
    {
        ArgumentNullException.ThrowIfNull(method);
        ObjectDisposedException.ThrowIf(_channel.IsDisposed, _channel);
        return new GrpcCall<TRequest, TResponse>(_channel, method, _channel.GetMethodInfo(method), host, options);
    }
}
