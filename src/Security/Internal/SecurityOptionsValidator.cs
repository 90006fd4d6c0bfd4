using Microsoft.Extensions.Options;

namespace SentinelSync.Security.Internal;

/// <summary>Stops start-up with a message naming the setting when <see cref="SecurityOptions"/> is wrong.</summary>
internal sealed class SecurityOptionsValidator : IValidateOptions<SecurityOptions>
{
    public ValidateOptionsResult Validate(string? name, SecurityOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrEmpty(options.InternalSigningKey))
        {
            failures.Add("Security:InternalSigningKey is required: set it to base64 of 32 random bytes (openssl rand -base64 32), the same in every process.");
        }
        else if (!TryDecodeKey(options.InternalSigningKey, out _))
        {
            failures.Add("Security:InternalSigningKey must be base64 of exactly 32 bytes (openssl rand -base64 32).");
        }

        Range(failures, "Security:AccessTokenLifetime", options.AccessTokenLifetime, TimeSpan.FromMinutes(1), TimeSpan.FromHours(1));
        Range(failures, "Security:RefreshTokenLifetime", options.RefreshTokenLifetime, TimeSpan.FromHours(1), TimeSpan.FromDays(90));
        Range(failures, "Security:PrincipalLifetime", options.PrincipalLifetime, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5));
        Range(failures, "Security:ClockSkew", options.ClockSkew, TimeSpan.Zero, TimeSpan.FromMinutes(5));
        Range(failures, "Security:FailedLoginWindow", options.FailedLoginWindow, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        if (string.IsNullOrWhiteSpace(options.Issuer))
        {
            failures.Add("Security:Issuer must not be empty.");
        }

        if (string.IsNullOrWhiteSpace(options.Audience))
        {
            failures.Add("Security:Audience must not be empty.");
        }

        if (options.InitialAdminPassword.Length is > 0 and < PasswordRules.MinimumLength)
        {
            failures.Add($"Security:InitialAdminPassword must have at least {PasswordRules.MinimumLength} characters.");
        }

        if (options.MaxFailedLoginsPerUser < 1 || options.MaxFailedLoginsPerAddress < 1)
        {
            failures.Add("Security:MaxFailedLoginsPerUser and Security:MaxFailedLoginsPerAddress must be at least 1.");
        }

        TrustedProxyList.Parse(options.TrustedProxies, out var invalidProxies);
        if (invalidProxies.Count > 0)
        {
            failures.Add($"Security:TrustedProxies must list addresses or CIDR networks, comma-separated; not: {string.Join(", ", invalidProxies)}.");
        }

        if (options.MaxRequestBodyBytes < 1024)
        {
            failures.Add("Security:MaxRequestBodyBytes must be at least 1024.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    internal static bool TryDecodeKey(string value, out byte[] key)
    {
        key = [];
        var buffer = new byte[64];
        if (!Convert.TryFromBase64String(value.Trim(), buffer, out var written) || written != 32)
        {
            return false;
        }

        key = buffer[..32];
        return true;
    }

    private static void Range(List<string> failures, string setting, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            failures.Add($"{setting} must be between {min} and {max} (was {value}).");
        }
    }
}
