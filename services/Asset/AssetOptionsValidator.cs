using Microsoft.Extensions.Options;

namespace SentinelSync.Asset;

/// <summary>Checks the <c>Asset</c> settings at start-up; every failure names its setting.</summary>
internal sealed class AssetOptionsValidator : IValidateOptions<AssetOptions>
{
    public ValidateOptionsResult Validate(string? name, AssetOptions options)
    {
        var failures = new List<string>();
        if (options.HeartbeatInterval <= TimeSpan.Zero || options.HeartbeatInterval > TimeSpan.FromHours(1))
        {
            failures.Add($"Asset:HeartbeatInterval: must be between 00:00:00 and 01:00:00 (exclusive of zero); got {options.HeartbeatInterval}.");
        }

        if (options.MissedHeartbeatsOffline is < 1 or > 1000)
        {
            failures.Add($"Asset:MissedHeartbeatsOffline: must be between 1 and 1000; got {options.MissedHeartbeatsOffline}.");
        }

        if (options.MaxTokenTtl <= TimeSpan.Zero)
        {
            failures.Add($"Asset:MaxTokenTtl: must be positive; got {options.MaxTokenTtl}.");
        }

        if (!TryDecodeKey(options.CaKeyEncryptionKey, out _))
        {
            failures.Add(string.IsNullOrEmpty(options.CaKeyEncryptionKey)
                ? "Asset:CaKeyEncryptionKey: required; set it to the base64 of 32 random bytes (e.g. `openssl rand -base64 32`) and keep it: it encrypts the platform CA's private key."
                : "Asset:CaKeyEncryptionKey: must be the base64 of exactly 32 bytes (e.g. `openssl rand -base64 32`).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Decodes the CA key encryption key; false unless it is valid base64 of 32 bytes.</summary>
    internal static bool TryDecodeKey(string? value, out byte[] key)
    {
        key = [];
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        var buffer = new byte[48];
        if (!Convert.TryFromBase64String(value.Trim(), buffer, out var written) || written != 32)
        {
            return false;
        }

        key = buffer[..32];
        return true;
    }
}
