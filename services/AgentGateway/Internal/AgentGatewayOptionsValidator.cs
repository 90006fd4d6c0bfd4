using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace SentinelSync.AgentGateway.Internal;

/// <summary>Checks the agent-gateway settings at start-up; each failure names its setting.</summary>
internal sealed class AgentGatewayOptionsValidator : IValidateOptions<AgentGatewayOptions>
{
    /// <summary>
    /// Where the heartbeat interval is set: <c>Agents:HeartbeatInterval</c>, the one setting shared with the Asset role
    /// (agents told one interval and judged offline by another flap, or are noticed late), then its deprecated aliases,
    /// the old per-role keys. Asset reads the same keys in the same order, so one process gets one value.
    /// </summary>
    internal static readonly string[] HeartbeatIntervalKeys = ["Agents:HeartbeatInterval", "AgentGateway:HeartbeatInterval", "Asset:HeartbeatInterval"];

    private static readonly TimeSpan MinHeartbeatInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxHeartbeatInterval = TimeSpan.FromHours(1);

    private readonly IConfiguration? _configuration;

    /// <param name="configuration">
    /// Where the deprecated heartbeat interval keys are read, to check they agree with the interval in effect; null (a
    /// check of the options object alone) skips that check.
    /// </param>
    public AgentGatewayOptionsValidator(IConfiguration? configuration = null) => _configuration = configuration;

    /// <summary>The first of <see cref="HeartbeatIntervalKeys"/> that is set; null when none is.</summary>
    internal static TimeSpan? ConfiguredHeartbeatInterval(IConfiguration configuration) =>
        HeartbeatIntervalKeys.Select(key => Read(configuration, key)).FirstOrDefault(value => value is not null);

    public ValidateOptionsResult Validate(string? name, AgentGatewayOptions options)
    {
        var failures = new List<string>();
        if (!Uri.TryCreate(options.AssetAddress, UriKind.Absolute, out var asset) || (asset.Scheme != Uri.UriSchemeHttp && asset.Scheme != Uri.UriSchemeHttps))
        {
            failures.Add($"AgentGateway:AssetAddress: '{options.AssetAddress}' is not an absolute http:// or https:// URL of the Asset service.");
        }

        // The agent ignores an interval under a second (it keeps its own default), so Asset must not judge by one.
        if (options.HeartbeatInterval < MinHeartbeatInterval || options.HeartbeatInterval > MaxHeartbeatInterval)
        {
            failures.Add($"Agents:HeartbeatInterval (or a deprecated alias): {options.HeartbeatInterval} is outside {MinHeartbeatInterval} to {MaxHeartbeatInterval}.");
        }

        if (_configuration is not null)
        {
            foreach (var key in HeartbeatIntervalKeys.Skip(1))
            {
                if (Read(_configuration, key) is { } alias && alias != options.HeartbeatInterval)
                {
                    failures.Add($"{key}: {alias} disagrees with the heartbeat interval in effect, {options.HeartbeatInterval}; agents would be told one interval and judged offline by another. {key} is a deprecated alias of Agents:HeartbeatInterval: set only that.");
                }
            }
        }

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

        if (options.ReconnectRate is < 1 or > 1_000_000)
        {
            failures.Add($"AgentGateway:ReconnectRate: {options.ReconnectRate} is outside 1 to 1000000 agents a second.");
        }

        if (options.MaxReconnectWindow < TimeSpan.Zero || options.MaxReconnectWindow > TimeSpan.FromHours(1))
        {
            failures.Add($"AgentGateway:MaxReconnectWindow: {options.MaxReconnectWindow} is outside 00:00:00 to 01:00:00.");
        }

        if (options.NativeHeapTrimInterval < TimeSpan.Zero || options.NativeHeapTrimInterval > TimeSpan.FromHours(1))
        {
            failures.Add($"AgentGateway:NativeHeapTrimInterval: {options.NativeHeapTrimInterval} is outside 00:00:00 (off) to 01:00:00.");
        }

        if (options.MemoryPoolTrimInterval < TimeSpan.Zero || options.MemoryPoolTrimInterval > TimeSpan.FromHours(1))
        {
            failures.Add($"AgentGateway:MemoryPoolTrimInterval: {options.MemoryPoolTrimInterval} is outside 00:00:00 (Kestrel's own pool) to 01:00:00.");
        }

        if (options.HeapCompactionMinWave < 0)
        {
            failures.Add($"AgentGateway:HeapCompactionMinWave: {options.HeapCompactionMinWave} is negative; use 0 to turn the compaction off.");
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

    /// <summary>A TimeSpan setting, or null when it is not set; a value that is no TimeSpan fails, naming the key.</summary>
    private static TimeSpan? Read(IConfiguration configuration, string key) =>
        string.IsNullOrEmpty(configuration[key]) ? null : configuration.GetValue<TimeSpan>(key);
}
