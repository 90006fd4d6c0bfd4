namespace Grpc.Core.Internal;

/// <summary>Sends every call with one <c>:authority</c>.</summary>
internal sealed class HostOverridingCallInvoker : CallInvoker
{
    private readonly CallInvoker _inner;
    private readonly string _host;

    public HostOverridingCallInvoker(CallInvoker inner, string host)
    {
        _inner = inner;
        _host = host;
    }

    public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        _inner.BlockingUnaryCall(method, _host, options, request);

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        _inner.AsyncUnaryCall(method, _host, options, request);

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        _inner.AsyncServerStreamingCall(method, _host, options, request);

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
        _inner.AsyncClientStreamingCall(method, _host, options);

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
        _inner.AsyncDuplexStreamingCall(method, _host, options);
}
