using System.Text.Json;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using SentinelSync.Gateway.Transcoding;
using SentinelSync.Security;

namespace SentinelSync.Gateway.Internal;

/// <summary>
/// The access decision at the edge, for proxied gRPC calls and REST calls alike: the caller established by edge
/// authentication, judged by <see cref="AccessPolicy"/> for the method called. Refused calls never reach a service;
/// allowed ones carry the caller as a principal signed for that one method, and never one the client supplied.
/// </summary>
internal sealed class EdgeAuthorization
{
    private const string ForwardedForHeader = "x-forwarded-for";

    private static readonly string[] StrippedHeaders =
        [PrincipalSigner.PrincipalHeader, PrincipalSigner.SignatureHeader, "authorization", "x-api-key"];

    private readonly AccessPolicy _policy;
    private readonly PrincipalSigner _signer;
    private readonly ILogger<EdgeAuthorization> _logger;

    public EdgeAuthorization(AccessPolicy policy, PrincipalSigner signer, ILogger<EdgeAuthorization> logger)
    {
        _policy = policy;
        _signer = signer;
        _logger = logger;
    }

    /// <summary>Proxy pipeline step: decides, then rewrites the principal headers of the request YARP forwards.</summary>
    public Task AuthorizeGrpcAsync(HttpContext context, Func<Task> next)
    {
        var method = context.Request.Path.Value ?? string.Empty;
        var principal = context.GetSentinelPrincipal();
        var decision = Decide(method, principal);
        if (decision.Kind != AccessDecisionKind.Allow)
        {
            GatewayLog.Refused(_logger, method, decision.Kind.ToString(), decision.Reason);

            var code = decision.Kind == AccessDecisionKind.Unauthenticated ? StatusCode.Unauthenticated : StatusCode.PermissionDenied;
            return GrpcTrailersOnly.WriteAsync(context, code, decision.Reason);
        }

        var headers = context.Request.Headers;
        foreach (var name in StrippedHeaders)
        {
            headers.Remove(name);
        }

        if (principal is not null)
        {
            var (value, signature) = _signer.Sign(principal, method);
            headers[PrincipalSigner.PrincipalHeader] = value;
            headers[PrincipalSigner.SignatureHeader] = signature;
        }

        return next();
    }

    /// <summary>
    /// Middleware step of the edge: decides for REST endpoints and for the unrouted agent-facing services; proxied
    /// gRPC calls are decided in the proxy pipeline (<see cref="AuthorizeGrpcAsync"/>).
    /// </summary>
    public Task AuthorizeEndpointAsync(HttpContext context, Func<Task> next)
    {
        var metadata = context.GetEndpoint()?.Metadata;
        return metadata?.GetMetadata<TranscodingEndpointMetadata>() is { } rest ? AuthorizeRestAsync(context, rest, next)
            : metadata?.GetMetadata<AgentServiceEndpointMetadata>() is not null ? AuthorizeGrpcAsync(context, next)
            : next();
    }

    /// <summary>REST: 401 or 403 with a google.rpc.Status-shaped JSON body.</summary>
    private Task AuthorizeRestAsync(HttpContext context, TranscodingEndpointMetadata rest, Func<Task> next)
    {

        var method = MethodAccessTable.Path(rest.Method);
        var decision = Decide(method, context.GetSentinelPrincipal());
        if (decision.Kind == AccessDecisionKind.Allow)
        {
            return next();
        }

        GatewayLog.Refused(_logger, method, decision.Kind.ToString(), decision.Reason);
        var unauthenticated = decision.Kind == AccessDecisionKind.Unauthenticated;
        context.Response.StatusCode = unauthenticated ? StatusCodes.Status401Unauthorized : StatusCodes.Status403Forbidden;
        if (unauthenticated)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
        }

        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            code = (int)(unauthenticated ? StatusCode.Unauthenticated : StatusCode.PermissionDenied),
            message = decision.Reason,
        }), context.RequestAborted);
    }

    /// <summary>Adds the caller, signed for <paramref name="method"/>, to a transcoded call's metadata.</summary>
    public CallOptions SignCall(HttpContext context, string method, CallOptions options)
    {
        var headers = options.Headers!;
        for (var i = headers.Count - 1; i >= 0; i--)
        {
            if (StrippedHeaders.Contains(headers[i].Key, StringComparer.OrdinalIgnoreCase))
            {
                headers.RemoveAt(i);
            }
        }

        // As the proxy does for gRPC: the client's X-Forwarded-For with the address this edge saw appended.
        var forwarded = context.Request.Headers[ForwardedForHeader];
        var peer = context.Connection.RemoteIpAddress?.ToString();
        var chain = peer is null ? forwarded.ToString() : forwarded.Count == 0 ? peer : forwarded + ", " + peer;
        if (chain.Length > 0)
        {
            headers.Add(ForwardedForHeader, chain);
        }

        if (context.GetSentinelPrincipal() is { } principal)
        {
            _signer.AddTo(headers, principal, method);
        }

        return options;
    }

    private AccessDecision Decide(string method, SentinelPrincipal? principal)
    {
        // Methods open to anyone are decided without the caller, so a stale token cannot lock a person out of Login.
        var open = _policy.Decide(method, null);
        return open.Kind == AccessDecisionKind.Allow ? open : _policy.Decide(method, principal);
    }
}
