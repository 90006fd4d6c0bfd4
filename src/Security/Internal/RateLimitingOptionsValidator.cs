using Microsoft.Extensions.Options;

namespace SentinelSync.Security.Internal;

/// <summary>Stops start-up with a message naming the setting when <see cref="RateLimitingOptions"/> is wrong.</summary>
internal sealed class RateLimitingOptionsValidator : IValidateOptions<RateLimitingOptions>
{
    public ValidateOptionsResult Validate(string? name, RateLimitingOptions options)
    {
        var failures = new List<string>();
        if (options.PermitsPerPrincipal < 1)
        {
            failures.Add("Security:RateLimit:PermitsPerPrincipal must be at least 1.");
        }

        if (options.PermitsPerAddress < 1)
        {
            failures.Add("Security:RateLimit:PermitsPerAddress must be at least 1.");
        }

        if (options.Window < TimeSpan.FromMilliseconds(100) || options.Window > TimeSpan.FromHours(1))
        {
            failures.Add("Security:RateLimit:Window must be between 100 ms and 1 hour.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
