using Grpc.Core.Internal;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Matching;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>
/// Keeps the UNIMPLEMENTED catch-all routes off the hot path. Decided once, when routing builds its tables: a
/// path that names a mapped method matches that method's endpoint alone (no catch-all candidate whose route
/// values and constraints would be evaluated on every call), and a request that is not gRPC never matches a
/// catch-all, so other routes keep their URLs. Per request only the content-type is looked at.
/// </summary>
internal sealed class UnimplementedMatcherPolicy : MatcherPolicy, INodeBuilderPolicy
{
    // After HTTP method matching (-1000), before most others.
    public override int Order => -900;

    public bool AppliesToEndpoints(IReadOnlyList<Endpoint> endpoints)
    {
        foreach (var endpoint in endpoints)
        {
            if (endpoint.Metadata.GetMetadata<UnimplementedEndpointMetadata>() is not null)
            {
                return true;
            }
        }

        return false;
    }

    public IReadOnlyList<PolicyNodeEdge> GetEdges(IReadOnlyList<Endpoint> endpoints)
    {
        var hasMethod = false;
        var hasUnknownMethod = false;
        foreach (var endpoint in endpoints)
        {
            hasMethod |= endpoint.Metadata.GetMetadata<GrpcMethodMetadata>() is not null;
            hasUnknownMethod |= endpoint.Metadata.GetMetadata<UnimplementedEndpointMetadata>() is { IsUnknownService: false };
        }

        var grpc = new List<Endpoint>(endpoints.Count);
        var other = new List<Endpoint>(endpoints.Count);
        foreach (var endpoint in endpoints)
        {
            var unimplemented = endpoint.Metadata.GetMetadata<UnimplementedEndpointMetadata>();
            if (unimplemented is null)
            {
                grpc.Add(endpoint);
                other.Add(endpoint);
            }
            else if (!hasMethod && !(hasUnknownMethod && unimplemented.IsUnknownService))
            {
                // Only where no mapped method (nor, for the unknown-service route, no mapped service) claims the path.
                grpc.Add(endpoint);
            }
        }

        return [new PolicyNodeEdge(true, grpc), new PolicyNodeEdge(false, other)];
    }

    public PolicyJumpTable BuildJumpTable(int exitDestination, IReadOnlyList<PolicyJumpTableEdge> edges)
    {
        int grpc = exitDestination, other = exitDestination;
        foreach (var edge in edges)
        {
            if ((bool)edge.State)
            {
                grpc = edge.Destination;
            }
            else
            {
                other = edge.Destination;
            }
        }

        return new ContentTypeJumpTable(grpc, other);
    }

    private sealed class ContentTypeJumpTable(int grpcDestination, int otherDestination) : PolicyJumpTable
    {
        public override int GetDestination(HttpContext httpContext) =>
            GrpcProtocol.IsGrpcContentType(httpContext.Request.ContentType) ? grpcDestination : otherDestination;
    }
}
