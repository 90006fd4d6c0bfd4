namespace Microsoft.AspNetCore.Builder;

/// <summary>Applies conventions (authorization, CORS, metadata) to every endpoint of a mapped gRPC service.</summary>
public sealed class GrpcServiceEndpointConventionBuilder : IEndpointConventionBuilder
{
    private readonly IReadOnlyList<IEndpointConventionBuilder> _endpointConventionBuilders;

    internal GrpcServiceEndpointConventionBuilder(IReadOnlyList<IEndpointConventionBuilder> endpointConventionBuilders) =>
        _endpointConventionBuilders = endpointConventionBuilders;

    /// <inheritdoc />
    public void Add(Action<EndpointBuilder> convention)
    {
        foreach (var builder in _endpointConventionBuilders)
        {
            builder.Add(convention);
        }
    }

    /// <inheritdoc />
    public void Finally(Action<EndpointBuilder> finallyConvention)
    {
        foreach (var builder in _endpointConventionBuilders)
        {
            builder.Finally(finallyConvention);
        }
    }
}
