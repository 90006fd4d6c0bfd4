namespace SentinelSync.Gateway;

/// <summary>
/// Marks an endpoint of the operators' edge (proxied gRPC routes, REST transcoding, the OpenAPI document): the host
/// serves these on <c>Listen:Operator</c> only, and the edge's authentication, rate limits and headers apply to them.
/// </summary>
public sealed class EdgeEndpointMetadata
{
    private EdgeEndpointMetadata()
    {
    }

    /// <summary>The one instance.</summary>
    public static EdgeEndpointMetadata Instance { get; } = new();
}
