namespace SentinelSync.Gateway;

/// <summary>The gateway role's settings (configuration section <c>Gateway</c>).</summary>
public sealed class GatewayOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Gateway";

    /// <summary>
    /// Where each role is reached, by role name (<c>Gateway:Roles:asset:Addresses:0=http://asset:7403</c>). A role
    /// without addresses is reached at this process's own internal endpoint (<c>Listen:Internal</c>): the
    /// single-node mode. The gateway role's own services (AuthService) are always served locally.
    /// </summary>
    public Dictionary<string, GatewayRoleOptions> Roles { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Whether calls for a role this process serves itself (every role in single-node mode; AuthService, health and
    /// reflection always) are handed to it in memory rather than over a loopback HTTP/2 connection to its internal
    /// endpoint. The request takes the same path through the role (middleware, access check of the signed principal,
    /// gRPC runtime) either way. Default true; false measures or debugs the network hop.
    /// </summary>
    public bool LocalRolesInProcess { get; set; } = true;

    /// <summary>How calls are spread over a role's replicas: <c>PowerOfTwoChoices</c> (default), <c>RoundRobin</c>, <c>LeastRequests</c> or <c>Random</c>.</summary>
    public string LoadBalancingPolicy { get; set; } = "PowerOfTwoChoices";

    /// <summary>How often every replica is asked <c>grpc.health.v1.Health/Check</c>. Default 5 seconds; 100 ms to 5 minutes.</summary>
    public TimeSpan HealthCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a health probe may take before the replica counts as unhealthy. Default 2 seconds.</summary>
    public TimeSpan HealthCheckTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a replica that failed calls (connection refused, reset) is left out before it is tried again. Default 10 seconds.</summary>
    public TimeSpan FailureReactivationPeriod { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How many calls to a replica must have been seen in the detection window before its failure rate can take it
    /// out of rotation. Default 3, so a dead replica costs only a few failed calls.
    /// </summary>
    public int FailureMinimalCallCount { get; set; } = 3;

    /// <summary>The failure rate (0–1) over the detection window that takes a replica out of rotation. Default 0.3.</summary>
    public double FailureRateLimit { get; set; } = 0.3;

    /// <summary>
    /// How long a proxied call may go without any data either way before it is cut (streams included). Default
    /// 10 minutes; server streams that send nothing for longer should send keepalive messages.
    /// </summary>
    public TimeSpan StreamIdleTimeout { get; set; } = TimeSpan.FromMinutes(10);
}
