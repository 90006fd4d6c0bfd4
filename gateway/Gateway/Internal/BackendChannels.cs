using System.Collections.Concurrent;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Net.Client;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Model;

namespace SentinelSync.Gateway.Internal;

/// <summary>
/// The call invokers REST transcoding uses: one pooled <see cref="GrpcChannel"/> per replica, the replica picked
/// among those the proxy's health checks currently consider available (all of them when none is).
/// </summary>
internal sealed class BackendChannels : IDisposable
{
    private readonly ConcurrentDictionary<string, GrpcChannel> _channels = new(StringComparer.Ordinal);
    private readonly IProxyStateLookup _proxy;
    private readonly GatewayRouteTable _table;

    public BackendChannels(IProxyStateLookup proxy, GatewayRouteTable table)
    {
        _proxy = proxy;
        _table = table;
    }

    /// <summary>The invoker of a replica of the role that serves <paramref name="method"/>.</summary>
    public CallInvoker For(MethodDescriptor method)
    {
        if (!_table.RoleByService.TryGetValue(method.Service.FullName, out var role) || !_proxy.TryGetCluster(role, out var cluster))
        {
            throw new RpcException(new Status(StatusCode.Unimplemented, $"{method.Service.FullName} is not routed by this gateway."));
        }

        var destinations = cluster.DestinationsState;
        IReadOnlyList<DestinationState> candidates = destinations.AvailableDestinations.Count > 0 ? destinations.AvailableDestinations : destinations.AllDestinations;
        if (candidates.Count == 0)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, $"Role '{role}' has no replica configured."));
        }

        var address = candidates[candidates.Count == 1 ? 0 : Random.Shared.Next(candidates.Count)].Model.Config.Address;
        return _channels.GetOrAdd(address, static a => GrpcChannel.ForAddress(a)).CreateCallInvoker();
    }

    public void Dispose()
    {
        foreach (var channel in _channels.Values)
        {
            channel.Dispose();
        }
    }
}
