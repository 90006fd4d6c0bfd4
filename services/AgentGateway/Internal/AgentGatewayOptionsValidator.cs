using Microsoft.Extensions.Options;

namespace SentinelSync.AgentGateway.Internal;

/// <summary>Checks the agent-gateway settings at start-up; each failure names its setting.</summary>
internal sealed class AgentGatewayOptionsValidator : IValidateOptions<AgentGatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, AgentGatewayOptions options)
    {
        var failures = new List<string>();
        if (!Uri.TryCreate(options.AssetAddress, UriKind.Absolute, out var asset) || (asset.Scheme != Uri.UriSchemeHttp && asset.Scheme != Uri.UriSchemeHttps))
        {
            failures.Add($"AgentGateway:AssetAddress: '{options.AssetAddress}' is not an absolute http:// or https:// URL of the Asset service.");
        }

        Positive("AgentGateway:HeartbeatInterval", options.HeartbeatInterval);
        Positive("AgentGateway:PingInterval", options.PingInterval);
        Positive("AgentGateway:PongTimeout", options.PongTimeout);
        Positive("AgentGateway:HelloTimeout", options.HelloTimeout);
        Positive("AgentGateway:AssetCallTimeout", options.AssetCallTimeout);
        Positive("AgentGateway:TrustRefreshInterval", options.TrustRefreshInterval);
        if (options.BatchDelay < TimeSpan.Zero || options.BatchDelay > TimeSpan.FromSeconds(1))
        {
            failures.Add($"AgentGateway:BatchDelay: {options.BatchDelay} is outside 00:00:00 to 00:00:01.");
        }

        if (options.MaxBatchSize is < 1 or > 1000)
        {
            failures.Add($"AgentGateway:MaxBatchSize: {options.MaxBatchSize} is outside 1 to 1000.");
        }

        if (options.MaxConcurrentHellos is < 1 or > 10_000)
        {
            failures.Add($"AgentGateway:MaxConcurrentHellos: {options.MaxConcurrentHellos} is outside 1 to 10000.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);

        void Positive(string setting, TimeSpan value)
        {
            if (value <= TimeSpan.Zero)
            {
                failures.Add($"{setting}: {value} must be positive.");
            }
        }
    }
}
