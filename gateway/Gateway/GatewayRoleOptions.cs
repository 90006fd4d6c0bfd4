namespace SentinelSync.Gateway;

/// <summary>Where one role's replicas are reached (<c>Gateway:Roles:&lt;role&gt;</c>).</summary>
public sealed class GatewayRoleOptions
{
    /// <summary>
    /// The replicas' internal gRPC endpoints (h2c), e.g. <c>http://asset-0.asset:7403</c> or one Kubernetes
    /// service name per role. Empty means this process's own internal endpoint.
    /// </summary>
    public List<string> Addresses { get; set; } = [];
}
