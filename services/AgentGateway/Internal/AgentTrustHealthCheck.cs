using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SentinelSync.AgentGateway.Internal;

/// <summary>Readiness: the agent endpoint can complete TLS handshakes only once trust material is loaded.</summary>
internal sealed class AgentTrustHealthCheck : IHealthCheck
{
    private readonly AgentTrust _trust;

    public AgentTrustHealthCheck(AgentTrust trust) => _trust = trust;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_trust.IsLoaded
            ? HealthCheckResult.Healthy("Agent endpoint trust material loaded.")
            : HealthCheckResult.Unhealthy("Waiting for the Asset service to answer GetAgentTrust (AgentGateway:AssetAddress)."));
}
