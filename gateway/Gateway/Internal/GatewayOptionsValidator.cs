using Microsoft.Extensions.Options;

namespace SentinelSync.Gateway.Internal;

/// <summary>Checks the gateway's settings at start-up; each failure names its setting.</summary>
internal sealed class GatewayOptionsValidator : IValidateOptions<GatewayOptions>
{
    private static readonly string[] Policies = ["PowerOfTwoChoices", "RoundRobin", "LeastRequests", "Random", "FirstAlphabetical"];

    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        var failures = new List<string>();
        if (!Policies.Contains(options.LoadBalancingPolicy, StringComparer.Ordinal))
        {
            failures.Add($"Gateway:LoadBalancingPolicy: '{options.LoadBalancingPolicy}' is not one of {string.Join(", ", Policies)}.");
        }

        if (options.HealthCheckInterval < TimeSpan.FromMilliseconds(100) || options.HealthCheckInterval > TimeSpan.FromMinutes(5))
        {
            failures.Add($"Gateway:HealthCheckInterval: {options.HealthCheckInterval} is outside 00:00:00.1 to 00:05:00.");
        }

        if (options.HealthCheckTimeout <= TimeSpan.Zero || options.HealthCheckTimeout > TimeSpan.FromMinutes(1))
        {
            failures.Add($"Gateway:HealthCheckTimeout: {options.HealthCheckTimeout} is outside 00:00:00 (exclusive) to 00:01:00.");
        }

        if (options.FailureReactivationPeriod <= TimeSpan.Zero)
        {
            failures.Add("Gateway:FailureReactivationPeriod: must be positive.");
        }

        if (options.FailureMinimalCallCount < 1)
        {
            failures.Add("Gateway:FailureMinimalCallCount: must be at least 1.");
        }

        if (options.FailureRateLimit is <= 0 or > 1)
        {
            failures.Add("Gateway:FailureRateLimit: must be above 0 and at most 1.");
        }

        if (options.StreamIdleTimeout <= TimeSpan.Zero)
        {
            failures.Add("Gateway:StreamIdleTimeout: must be positive.");
        }

        foreach (var (role, roleOptions) in options.Roles)
        {
            for (var i = 0; i < roleOptions.Addresses.Count; i++)
            {
                var address = roleOptions.Addresses[i];
                if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.AbsolutePath != "/")
                {
                    failures.Add($"Gateway:Roles:{role}:Addresses:{i}: '{address}' is not an http:// or https:// address without a path, e.g. http://asset:7403.");
                }
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
