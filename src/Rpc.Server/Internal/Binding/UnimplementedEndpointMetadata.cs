namespace Grpc.AspNetCore.Server.Internal;

/// <summary>Marks the catch-all endpoints that answer UNIMPLEMENTED for unknown methods or services.</summary>
internal sealed class UnimplementedEndpointMetadata
{
    public static readonly UnimplementedEndpointMetadata UnknownMethod = new(isUnknownService: false);
    public static readonly UnimplementedEndpointMetadata UnknownService = new(isUnknownService: true);

    private UnimplementedEndpointMetadata(bool isUnknownService) => IsUnknownService = isUnknownService;

    /// <summary>True for the one endpoint of unknown services; false for a service's unknown methods.</summary>
    public bool IsUnknownService { get; }
}
