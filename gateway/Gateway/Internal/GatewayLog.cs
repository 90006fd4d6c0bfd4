using Microsoft.Extensions.Logging;

namespace SentinelSync.Gateway.Internal;

/// <summary>The gateway role's log messages (event ids 4600–4699).</summary>
internal static partial class GatewayLog
{
    [LoggerMessage(4600, LogLevel.Information, "Gateway routes {RouteCount} gRPC services to {ClusterCount} roles; REST and OpenAPI at /openapi.json")]
    public static partial void RoutesBuilt(ILogger logger, int routeCount, int clusterCount);

    [LoggerMessage(4601, LogLevel.Information, "Role {Role} is reached at {Addresses}")]
    public static partial void RoleAddresses(ILogger logger, string role, string addresses);

    [LoggerMessage(4602, LogLevel.Warning, "Replica {Address} of role {Role} is unhealthy: {Reason}")]
    public static partial void ReplicaUnhealthy(ILogger logger, string role, string address, string reason);

    [LoggerMessage(4603, LogLevel.Information, "Replica {Address} of role {Role} is healthy again")]
    public static partial void ReplicaHealthy(ILogger logger, string role, string address);

    [LoggerMessage(4604, LogLevel.Debug, "Edge refused {Method}: {Kind}: {Reason}")]
    public static partial void Refused(ILogger logger, string method, string kind, string reason);

    [LoggerMessage(4605, LogLevel.Warning, "Replica {Address} of role {Role} refused the connection ({Reason}); the call moves to {Next}")]
    public static partial void ConnectFailedRetrying(ILogger logger, string role, string address, string next, string reason);
}
