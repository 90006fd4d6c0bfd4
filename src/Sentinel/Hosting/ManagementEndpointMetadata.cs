namespace SentinelSync.Server.Hosting;

/// <summary>Marks the probes (<c>/healthz</c>, <c>/readyz</c>): served on <c>Listen:Management</c> only.</summary>
internal sealed class ManagementEndpointMetadata
{
    private ManagementEndpointMetadata()
    {
    }

    public static ManagementEndpointMetadata Instance { get; } = new();
}
