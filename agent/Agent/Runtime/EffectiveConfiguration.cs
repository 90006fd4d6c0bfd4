using Google.Protobuf;
using Microsoft.Extensions.Logging;
using SentinelSync.Agent.Configuration;
using SentinelSync.Agent.Identity;
using SentinelSync.Contracts.Agent.V1;

namespace SentinelSync.Agent.Runtime;

/// <summary>
/// The configuration the agent runs with: the local file, overlaid by the last configuration the
/// platform pushed and the agent accepted. The accepted update is kept in
/// <c>{state_directory}/applied-config.pb</c>, so a restarted agent runs it again and its Hello
/// reports its version.
/// </summary>
/// <remarks>
/// <see cref="Apply"/> is called by the one stream reader; <see cref="Current"/> and
/// <see cref="Changed"/> are read by any thread.
/// </remarks>
internal sealed partial class EffectiveConfiguration
{
    public const string FileName = "applied-config.pb";

    private readonly AgentOptions _local;
    private readonly string _path;
    private readonly WakeSignal _changed = new();
    private readonly ILogger _logger;
    private AgentOptions _current;
    private long _appliedVersion;

    private EffectiveConfiguration(AgentOptions local, ILogger logger)
    {
        _local = local;
        _current = local;
        _path = Path.Combine(local.StateDirectory, FileName);
        _logger = logger;
    }

    /// <summary>The settings in force now.</summary>
    public AgentOptions Current => Volatile.Read(ref _current);

    /// <summary>The version of the pushed configuration in force; 0 when none was applied.</summary>
    public long AppliedVersion => Interlocked.Read(ref _appliedVersion);

    /// <summary>Completes at the next change of <see cref="Current"/>; take it before reading <see cref="Current"/>.</summary>
    public Task Changed => _changed.WaitAsync();

    /// <summary>The local options, overlaid by the stored pushed configuration when there is one and it still validates.</summary>
    public static EffectiveConfiguration Load(AgentOptions local, ILogger<EffectiveConfiguration> logger)
    {
        var configuration = new EffectiveConfiguration(local, logger);
        if (!File.Exists(configuration._path))
        {
            return configuration;
        }

        try
        {
            var stored = ConfigUpdate.Parser.ParseFrom(File.ReadAllBytes(configuration._path));
            configuration._current = AgentConfigurationReader.ParsePushed(stored.Document, $"stored configuration version {stored.Version}", local);
            configuration._appliedVersion = stored.Version;
            configuration.LogRestored(stored.Version);
        }
        catch (Exception ex) when (ex is AgentConfigurationException or InvalidProtocolBufferException or IOException)
        {
            configuration.LogStoredUnusable(configuration._path, ex.Message);
        }

        return configuration;
    }

    /// <summary>
    /// Validates <paramref name="update"/> and, when valid, stores it and makes it
    /// <see cref="Current"/>; a rejected update leaves the configuration in force untouched.
    /// </summary>
    /// <returns>What to report to the platform.</returns>
    public ConfigStatus Apply(ConfigUpdate update)
    {
        AgentOptions options;
        try
        {
            options = AgentConfigurationReader.ParsePushed(update.Document, $"configuration version {update.Version}", _local);
        }
        catch (AgentConfigurationException ex)
        {
            var reason = string.Join("; ", ex.Errors);
            LogRejected(update.Version, reason);
            return new ConfigStatus { Version = update.Version, Applied = false, RejectionReason = reason };
        }

        try
        {
            AtomicFile.Write(_path, update.ToByteArray());
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Applying what cannot be kept would run a configuration the next start forgets.
            var reason = $"the agent cannot store the configuration in {_path}: {ex.Message}";
            LogRejected(update.Version, reason);
            return new ConfigStatus { Version = update.Version, Applied = false, RejectionReason = reason };
        }

        Volatile.Write(ref _current, options);
        Interlocked.Exchange(ref _appliedVersion, update.Version);
        LogApplied(update.Version, DurationTextOf(options.Collectors.MetricsInterval), DurationTextOf(options.Collectors.InventoryInterval));
        _changed.Notify();
        return new ConfigStatus { Version = update.Version, Applied = true };
    }

    private static string DurationTextOf(TimeSpan value) => DurationText.Format(value);
}
