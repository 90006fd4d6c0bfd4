using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;

namespace SentinelSync.AgentGateway.Internal;

/// <summary>Marks the agent endpoint's connections, so requests know which endpoint they came in on (port 0 included).</summary>
internal static class AgentEndpointMarker
{
    private static readonly object Key = new();

    /// <summary>Marks a connection of the agent endpoint.</summary>
    public static void Mark(IDictionary<object, object?> connectionItems) => connectionItems[Key] = Key;

    /// <summary>Whether the request came in on the agent endpoint.</summary>
    public static bool IsAgentEndpoint(HttpContext httpContext) =>
        httpContext.Features.Get<IConnectionItemsFeature>()?.Items.ContainsKey(Key) == true;
}
