using Grpc.Core;
using Grpc.Core.Interceptors;
using SentinelSync.Security;

namespace SentinelSync.AgentGateway.Internal;

/// <summary>
/// How the gateway identifies itself to the other roles: every call carries this role's service principal, signed
/// for the method called (<see cref="PrincipalSigner"/>), which the callee's access-control interceptor verifies for
/// CALLER_INTERNAL methods. The plain <see cref="HeaderName"/> entry is kept for fakes that look for it; no service
/// trusts it.
/// </summary>
internal static class InternalCaller
{
    /// <summary>The metadata key naming an internal caller (informational only).</summary>
    public const string HeaderName = "x-sentinel-internal";

    /// <summary>This role's name as an internal caller.</summary>
    public const string Identity = "agent-gateway";

    /// <summary>An invoker whose every call carries the gateway's internal identity, signed when a signer is given.</summary>
    public static CallInvoker Attach(CallInvoker invoker, PrincipalSigner? signer = null) =>
        invoker.Intercept(new SigningInterceptor(signer));

    private sealed class SigningInterceptor : Interceptor
    {
        // Besides the internal methods, the gateway watches agents (to cut decommissioned ones) and reads
        // effective configurations (to push them): exactly those operator reads, nothing more.
        private static readonly SentinelPrincipal Principal = SentinelPrincipal.Service(Identity, "asset.agents.read", "asset.configs.read");
        private readonly PrincipalSigner? _signer;

        public SigningInterceptor(PrincipalSigner? signer) => _signer = signer;

        public override TResponse BlockingUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, BlockingUnaryCallContinuation<TRequest, TResponse> continuation) =>
            continuation(request, Sign(context));

        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation) =>
            continuation(request, Sign(context));

        public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation) =>
            continuation(request, Sign(context));

        public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context, AsyncClientStreamingCallContinuation<TRequest, TResponse> continuation) =>
            continuation(Sign(context));

        public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context, AsyncDuplexStreamingCallContinuation<TRequest, TResponse> continuation) =>
            continuation(Sign(context));

        private ClientInterceptorContext<TRequest, TResponse> Sign<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context)
            where TRequest : class
            where TResponse : class
        {
            var headers = context.Options.Headers ?? [];
            headers.Add(HeaderName, Identity);
            _signer?.AddTo(headers, Principal, context.Method.FullName);
            return new ClientInterceptorContext<TRequest, TResponse>(context.Method, context.Host, context.Options.WithHeaders(headers));
        }
    }
}
