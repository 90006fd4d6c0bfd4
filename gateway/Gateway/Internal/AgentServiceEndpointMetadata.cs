namespace SentinelSync.Gateway.Internal;

/// <summary>
/// Marks the edge's endpoints for the agent-facing services it does not route: the access decision runs in the
/// edge's middleware for them (before any role's middleware can answer), like for REST endpoints.
/// </summary>
internal sealed class AgentServiceEndpointMetadata
{
    public static readonly AgentServiceEndpointMetadata Instance = new();

    private AgentServiceEndpointMetadata()
    {
    }
}
