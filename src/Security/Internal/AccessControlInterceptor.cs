using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;

namespace SentinelSync.Security.Internal;

/// <summary>
/// Enforces <see cref="AccessPolicy"/> on every call a service process receives, so a service reached directly
/// is as closed as one reached through the gateway. The caller is, in order: the signed principal the gateway
/// forwarded; a bearer access token or API key presented directly; an agent's client certificate; nobody.
/// </summary>
internal sealed class AccessControlInterceptor : Interceptor
{
    private readonly AccessPolicy _policy;
    private readonly PrincipalSigner _signer;
    private readonly PrincipalResolver _resolver;
    private readonly ILogger<AccessControlInterceptor> _logger;

    public AccessControlInterceptor(AccessPolicy policy, PrincipalSigner signer, PrincipalResolver resolver, ILogger<AccessControlInterceptor> logger)
    {
        _policy = policy;
        _signer = signer;
        _resolver = resolver;
        _logger = logger;
    }

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        await AuthorizeAsync(context);
        return await continuation(request, context);
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await AuthorizeAsync(context);
        return await continuation(requestStream, context);
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await AuthorizeAsync(context);
        await continuation(request, responseStream, context);
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await AuthorizeAsync(context);
        await continuation(requestStream, responseStream, context);
    }

    private async Task AuthorizeAsync(ServerCallContext context)
    {
        // Methods open to anyone (anonymous, health, reflection) skip authentication, so a stale token sent
        // along with Login cannot lock a person out.
        if (_policy.Decide(context.Method, null).Kind == AccessDecisionKind.Allow)
        {
            return;
        }

        var principal = await AuthenticateAsync(context);
        var decision = _policy.Decide(context.Method, principal);
        if (decision.Kind != AccessDecisionKind.Allow)
        {
            SecurityLog.CallRefused(_logger, context.Method, decision.Kind, decision.Reason);
            throw new RpcException(new Status(
                decision.Kind == AccessDecisionKind.Unauthenticated ? StatusCode.Unauthenticated : StatusCode.PermissionDenied,
                decision.Reason));
        }

        context.UserState[ServerCallContextPrincipalExtensions.UserStateKey] = principal!;
    }

    private async Task<SentinelPrincipal?> AuthenticateAsync(ServerCallContext context)
    {
        var headers = context.RequestHeaders;
        var signed = headers.GetValue(PrincipalSigner.PrincipalHeader);
        if (signed is not null)
        {
            if (_signer.TryVerify(signed, headers.GetValue(PrincipalSigner.SignatureHeader), context.Method, out var forwarded, out var reason))
            {
                return forwarded;
            }

            throw Refuse(context.Method, "signed principal refused: " + reason);
        }

        var authorization = headers.GetValue("authorization");
        var apiKey = headers.GetValue(PrincipalResolver.ApiKeyHeader);
        if (PrincipalResolver.HasCredentials(authorization, apiKey))
        {
            var (principal, failure) = await _resolver.ResolveAsync(authorization, apiKey, context.CancellationToken);
            return principal ?? throw Refuse(context.Method, failure);
        }

        var certificate = context.GetHttpContext().Connection.ClientCertificate;
        return certificate is null ? null : new SentinelPrincipal(certificate.Subject, PrincipalKind.Agent, [], new HashSet<string>(StringComparer.Ordinal));
    }

    private RpcException Refuse(string method, string reason)
    {
        SecurityLog.CredentialsRefused(_logger, method, reason);
        return new RpcException(new Status(StatusCode.Unauthenticated, reason));
    }
}
