namespace SentinelSync.AgentGateway;

/// <summary>
/// The hook through which the agent-gateway role configures the host's agent endpoint (<c>Listen:Agent</c>).
/// </summary>
/// <remarks>
/// <see cref="AgentGatewayHostingExtensions.AddAgentGateway"/> registers a keyed
/// <c>Action&lt;Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions&gt;</c> under <see cref="ServiceKey"/>. The host
/// calls it for the agent endpoint instead of applying its own certificate: it sets HTTP/2, TLS with the
/// server certificate from the platform CA, optional client certificates validated against that CA only, and
/// marks the endpoint's connections so that only agent methods are served on it.
/// </remarks>
public static class AgentEndpoint
{
    /// <summary>The service key of the keyed <c>Action&lt;ListenOptions&gt;</c> that configures the agent endpoint.</summary>
    public const string ServiceKey = "Listen:Agent";
}
