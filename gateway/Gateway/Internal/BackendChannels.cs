using System.Collections.Concurrent;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Health;

namespace SentinelSync.Gateway.Internal;

/// <summary>
/// The call invokers REST transcoding uses: one pooled <see cref="GrpcChannel"/> per role, whose
/// <see cref="ConnectFailoverHandler"/> sends each call to a replica the proxy's health checks currently consider
/// available (all of them when none is), and moves it to another when that replica refuses the connection.
/// </summary>
internal sealed class BackendChannels : IDisposable
{
    private readonly ConcurrentDictionary<string, GrpcChannel> _channels = new(StringComparer.Ordinal);
    private readonly IProxyStateLookup _proxy;
    private readonly GatewayRouteTable _table;
    private readonly IDestinationHealthUpdater _health;
    private readonly GatewayOptions _options;
    private readonly ILogger<ConnectFailoverHandler> _logger;
    private readonly LocalRoleTransport _local;

    public BackendChannels(IProxyStateLookup proxy, GatewayRouteTable table, IDestinationHealthUpdater health, IOptions<GatewayOptions> options, ILogger<ConnectFailoverHandler> logger, LocalRoleTransport local)
    {
        _local = local;
        _proxy = proxy;
        _table = table;
        _health = health;
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>The invoker of the role that serves <paramref name="method"/>.</summary>
    public CallInvoker For(MethodDescriptor method)
    {
        if (!_table.RoleByService.TryGetValue(method.Service.FullName, out var role) || !_proxy.TryGetCluster(role, out var cluster))
        {
            throw new RpcException(new Status(StatusCode.Unimplemented, $"{method.Service.FullName} is not routed by this gateway."));
        }

        if (cluster.DestinationsState.AllDestinations.Count == 0)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, $"Role '{role}' has no replica configured."));
        }

        return _channels.GetOrAdd(role, Create).CreateCallInvoker();
    }

    public void Dispose()
    {
        foreach (var channel in _channels.Values)
        {
            channel.Dispose();
        }
    }

    private GrpcChannel Create(string role)
    {
        var options = new GrpcChannelOptions();
        var sockets = new SocketsHttpHandler
        {
            // As the runtime's own channels: several HTTP/2 connections under load, kept alive by pings.
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            KeepAlivePingDelay = options.KeepAlivePingDelay,
            KeepAlivePingTimeout = options.KeepAlivePingTimeout,
            KeepAlivePingPolicy = options.KeepAlivePingPolicy,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            UseCookies = false,
        };
        options.HttpHandler = new ConnectFailoverHandler(
            _local.Wrap(sockets),
            _health,
            _options.FailureReactivationPeriod,
            _logger,
            () => _proxy.TryGetCluster(role, out var cluster) ? cluster : null);

        // The address only names the role: the handler sends every call to one of its replicas.
        return GrpcChannel.ForAddress("http://" + role + ".role.invalid", options);
    }
}
