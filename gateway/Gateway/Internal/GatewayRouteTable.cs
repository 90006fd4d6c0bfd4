using System.Net;
using Google.Protobuf.Reflection;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Transforms;

namespace SentinelSync.Gateway.Internal;

/// <summary>
/// The proxy's routes and clusters, derived from the contracts: one route per gRPC service path prefix, one cluster
/// per role, with the replicas from <see cref="GatewayOptions.Roles"/> or this process's internal endpoint.
/// </summary>
internal sealed class GatewayRouteTable
{
    /// <summary>The name of the active health check policy (<see cref="GrpcHealthCheckPolicy"/>).</summary>
    public const string HealthPolicy = "GrpcHealth";

    /// <summary>Standard services every process serves; through the edge they reach the gateway's own process.</summary>
    private static readonly string[] StandardServices = ["grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection"];

    private GatewayRouteTable(IReadOnlyList<RouteConfig> routes, IReadOnlyList<ClusterConfig> clusters, IReadOnlyDictionary<string, string> roleByService, string localAddress)
    {
        LocalAddress = localAddress;
        Routes = routes;
        Clusters = clusters;
        RoleByService = roleByService;
    }

    /// <summary>This process's internal endpoint: the replica address of every role it serves itself.</summary>
    public string LocalAddress { get; }

    public IReadOnlyList<RouteConfig> Routes { get; }

    public IReadOnlyList<ClusterConfig> Clusters { get; }

    /// <summary>The role (cluster id) of every routed service, by full service name.</summary>
    public IReadOnlyDictionary<string, string> RoleByService { get; }

    /// <summary>
    /// Builds the table. Agent-facing services (<c>sentinel.agent</c>) get no route: agents reach the agent gateway on
    /// its own mTLS endpoint, and the edge could not forward their client certificates.
    /// </summary>
    /// <param name="services">The contract services, e.g. <c>ContractCatalog.Services</c>.</param>
    /// <param name="options">The gateway's settings.</param>
    /// <param name="localAddress">This process's internal endpoint, e.g. <c>http://127.0.0.1:7403</c>.</param>
    /// <exception cref="InvalidOperationException">A service maps to no role.</exception>
    public static GatewayRouteTable Create(IEnumerable<ServiceDescriptor> services, GatewayOptions options, string localAddress)
    {
        var roleByService = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var service in services)
        {
            var role = ServiceRoles.RoleOf(service);
            if (role != "agent-gateway")
            {
                roleByService[service.FullName] = role;
            }
        }

        foreach (var standard in StandardServices)
        {
            roleByService[standard] = ServiceRoles.Gateway;
        }

        var routes = roleByService
            .OrderBy(pair => pair.Key, StringComparer.Ordinal)
            .Select(pair => new RouteConfig
                {
                    RouteId = pair.Key,
                    ClusterId = pair.Value,
                    Match = new RouteMatch { Path = "/" + pair.Key + "/{**method}" },
                }

                // Only X-Forwarded-For, appended: the roles find the client past trusted proxies (Security:TrustedProxies),
                // and a client's own entries stay left of what the gateway saw.
                .WithTransformXForwarded(xDefault: ForwardedTransformActions.Off, xFor: ForwardedTransformActions.Append))
            .ToList();

        var requestConfig = new ForwarderRequestConfig
        {
            // Backends are h2c: HTTP/2 with prior knowledge, never a downgrade (gRPC needs HTTP/2 trailers).
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            ActivityTimeout = options.StreamIdleTimeout,
        };
        var clusters = roleByService.Values
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .Select(role =>
            {
                var addresses = role != ServiceRoles.Gateway && options.Roles.TryGetValue(role, out var configured) && configured.Addresses.Count > 0
                    ? configured.Addresses
                    : [localAddress];
                return new ClusterConfig
                {
                    ClusterId = role,
                    LoadBalancingPolicy = options.LoadBalancingPolicy,
                    HttpRequest = requestConfig,
                    HttpClient = new HttpClientConfig { EnableMultipleHttp2Connections = true },
                    HealthCheck = new HealthCheckConfig
                    {
                        // When every replica looks down, try them all rather than refuse every call.
                        AvailableDestinationsPolicy = "HealthyOrPanic",
                        Active = new ActiveHealthCheckConfig
                        {
                            Enabled = true,
                            Interval = options.HealthCheckInterval,
                            Timeout = options.HealthCheckTimeout,
                            Policy = HealthPolicy,
                        },
                        // Passive detection books every call; with one replica there is nothing to fail over to.
                        Passive = new PassiveHealthCheckConfig
                        {
                            Enabled = addresses.Count > 1,
                            Policy = "TransportFailureRate",
                            ReactivationPeriod = options.FailureReactivationPeriod,
                        },
                    },
                    Destinations = addresses
                        .Select((address, index) => (address, index))
                        .ToDictionary(d => $"{role}-{d.index}", d => new DestinationConfig { Address = d.address.TrimEnd('/') }, StringComparer.Ordinal),
                };
            })
            .ToList();
        return new GatewayRouteTable(routes, clusters, roleByService, localAddress.TrimEnd('/'));
    }
}
