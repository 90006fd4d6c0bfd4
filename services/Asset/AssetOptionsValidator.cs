using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace SentinelSync.Asset;

/// <summary>Checks the <c>Asset</c> settings at start-up; every failure names its setting.</summary>
internal sealed class AssetOptionsValidator : IValidateOptions<AssetOptions>
{
    /// <summary>
    /// Where the heartbeat interval is set: <c>Agents:HeartbeatInterval</c>, the one setting shared with the
    /// agent-gateway role that tells agents the interval, then its deprecated aliases, the old per-role keys. The
    /// gateway reads the same keys in the same order, so one process gets one value.
    /// </summary>
    internal static readonly string[] HeartbeatIntervalKeys = ["Agents:HeartbeatInterval", "AgentGateway:HeartbeatInterval", "Asset:HeartbeatInterval"];

    private readonly IConfiguration _configuration;

    public AssetOptionsValidator(IConfiguration configuration) => _configuration = configuration;

    /// <summary>The first of <see cref="HeartbeatIntervalKeys"/> that is set; null when none is.</summary>
    internal static TimeSpan? ConfiguredHeartbeatInterval(IConfiguration configuration) =>
        HeartbeatIntervalKeys.Select(key => ReadTimeSpan(configuration, key)).FirstOrDefault(value => value is not null);

    public ValidateOptionsResult Validate(string? name, AssetOptions options)
    {
        var failures = new List<string>();

        // Under a second the agent keeps its own default interval, and agents would be judged by the wrong one.
        if (options.HeartbeatInterval < TimeSpan.FromSeconds(1) || options.HeartbeatInterval > TimeSpan.FromHours(1))
        {
            failures.Add($"Agents:HeartbeatInterval (or a deprecated alias): must be between 00:00:01 and 01:00:00; got {options.HeartbeatInterval}.");
        }

        foreach (var alias in HeartbeatIntervalKeys.Skip(1))
        {
            if (ReadTimeSpan(_configuration, alias) is { } value && value != options.HeartbeatInterval)
            {
                failures.Add($"{alias}: {value} disagrees with the heartbeat interval in effect, {options.HeartbeatInterval}; agents would be told one interval and judged offline by another. {alias} is a deprecated alias of Agents:HeartbeatInterval: set only that.");
            }
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

    /// <summary>A TimeSpan setting, or null when it is not set; a value that is no TimeSpan throws, naming the key.</summary>
    private static TimeSpan? ReadTimeSpan(IConfiguration configuration, string key) =>
        string.IsNullOrEmpty(configuration[key]) ? null : configuration.GetValue<TimeSpan>(key);

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
