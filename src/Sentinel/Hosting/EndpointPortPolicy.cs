using Microsoft.AspNetCore.Routing.Matching;
using SentinelSync.Gateway;

namespace SentinelSync.Server.Hosting;

/// <summary>
/// Keeps each endpoint on its listener, by the local port of the connection: the edge's endpoints
/// (<see cref="EdgeEndpointMetadata"/>) on <c>Listen:Operator</c>, the probes on <c>Listen:Management</c>, and every
/// other endpoint (the roles' gRPC services, reflection, health, their UNIMPLEMENTED catch-alls) on
/// <c>Listen:Internal</c> and <c>Listen:Agent</c>. So on the operator port a gRPC path reaches the proxy route, never
/// the local service directly, and on the internal port the proxy's catch-all routes cannot loop back.
/// </summary>
/// <remarks>Port-based, not Host-header-based: a client cannot pick another listener's endpoints by naming its port.</remarks>
internal sealed class EndpointPortPolicy : MatcherPolicy, IEndpointSelectorPolicy
{
    private readonly ServerPorts _ports;

    public EndpointPortPolicy(ServerPorts ports) => _ports = ports;

    public override int Order => 0;

    public bool AppliesToEndpoints(IReadOnlyList<Endpoint> endpoints) => true;

    public Task ApplyAsync(HttpContext httpContext, CandidateSet candidates)
    {
        var port = httpContext.Connection.LocalPort;
        for (var i = 0; i < candidates.Count; i++)
        {
            if (!candidates.IsValidCandidate(i))
            {
                continue;
            }

            var metadata = candidates[i].Endpoint.Metadata;
            var allowed = metadata.GetMetadata<EdgeEndpointMetadata>() is not null ? port == _ports.Operator
                : metadata.GetMetadata<ManagementEndpointMetadata>() is not null ? port == _ports.Management
                : port == _ports.Internal || port == _ports.Agent;
            if (!allowed)
            {
                candidates.SetValidity(i, false);
            }
        }

        return Task.CompletedTask;
    }
}
