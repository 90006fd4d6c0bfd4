using System.Collections.Frozen;
using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Model;

namespace SentinelSync.Gateway.Internal;

/// <summary>
/// The last step of the proxy pipeline for a gRPC call whose replica, as the load balancer picked it, is this
/// process: the call runs on the role's own gRPC endpoint with the request as the edge received it, once the edge has
/// decided and signed the caller. The role's access check, the gRPC runtime and the handler are the ones a call on
/// the internal endpoint runs; what is skipped is the copy of the request (YARP's forward, a second request through
/// the pipeline). Calls for other replicas, methods without an endpoint here (UNIMPLEMENTED answers) and anything not
/// HTTP/2 go on to YARP.
/// </summary>
/// <remarks>Off with <see cref="GatewayOptions.LocalRolesInProcess"/> false.</remarks>
internal sealed class LocalEndpointDispatch
{
    private readonly EndpointDataSource _endpoints;
    private readonly string _localAddress;
    private readonly bool _enabled;
    private FrozenDictionary<string, Endpoint>? _byPath;

    public LocalEndpointDispatch(EndpointDataSource endpoints, GatewayRouteTable table, IOptions<GatewayOptions> options)
    {
        _endpoints = endpoints;
        _localAddress = table.LocalAddress;
        _enabled = options.Value.LocalRolesInProcess;
    }

    /// <summary>Proxy pipeline step: runs the role's endpoint for a local replica, or hands the call to <paramref name="next"/>.</summary>
    public Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        if (_enabled
            && HttpMethods.IsPost(context.Request.Method)
            && HttpProtocol.IsHttp2(context.Request.Protocol)
            && context.Features.Get<IReverseProxyFeature>() is { AvailableDestinations: [var destination] } proxy
            && string.Equals(destination.Model.Config.Address.TrimEnd('/'), _localAddress, StringComparison.OrdinalIgnoreCase)
            && ByPath().TryGetValue(context.Request.Path.Value ?? string.Empty, out var endpoint))
        {
            proxy.ProxiedDestination = destination;
            context.SetEndpoint(endpoint);
            return endpoint.RequestDelegate!(context);
        }

        return next();
    }

    /// <summary>The roles' gRPC method endpoints by path, from the application's endpoints once they are all mapped.</summary>
    private FrozenDictionary<string, Endpoint> ByPath() => _byPath ??= _endpoints.Endpoints
        .OfType<RouteEndpoint>()
        .Where(endpoint => endpoint.RequestDelegate is not null
            && endpoint.Metadata.GetMetadata<GrpcMethodMetadata>() is not null
            && endpoint.Metadata.GetMetadata<EdgeEndpointMetadata>() is null
            && endpoint.RoutePattern.RawText is not null)
        .GroupBy(endpoint => endpoint.RoutePattern.RawText!, StringComparer.Ordinal)
        .Where(group => group.Count() == 1)
        .ToFrozenDictionary(group => group.Key, group => (Endpoint)group.Single(), StringComparer.Ordinal);
}
