using SentinelSync.Agent.Collectors;

namespace SentinelSync.Agent.Configuration;

/// <summary>Checks a bound <see cref="AgentOptions"/>; each message starts with the setting's name.</summary>
internal static class AgentOptionsValidator
{
    public static IReadOnlyList<string> Validate(AgentOptions options)
    {
        var errors = new List<string>();
        if (options.ServerUrl is null)
        {
            errors.Add("server_url: required, e.g. https://sentinel.example.com:7443");
        }
        else if (options.ServerUrl.Scheme is not ("https" or "http"))
        {
            errors.Add($"server_url: '{options.ServerUrl}' must be an http or https URL");
        }

        RequireAbsolute(errors, "state_directory", options.StateDirectory);
        RequireAbsolute(errors, "collectors.proc_root", options.Collectors.ProcRoot);
        RequireAbsolute(errors, "collectors.sys_root", options.Collectors.SysRoot);
        RequireAbsolute(errors, "collectors.etc_root", options.Collectors.EtcRoot);
        RequireBetween(errors, "collectors.metrics_interval", options.Collectors.MetricsInterval, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        RequireBetween(errors, "collectors.inventory_interval", options.Collectors.InventoryInterval, TimeSpan.FromSeconds(10), TimeSpan.FromDays(1));
        foreach (var name in options.Collectors.Disabled.Where(name => !BuiltInCollectors.QualifiedNames.Contains(name)))
        {
            errors.Add($"collectors.disabled: unknown collector '{name}'; known: {string.Join(", ", BuiltInCollectors.QualifiedNames)}");
        }

        if (options.Spool.MaxBytes < 64 * 1024)
        {
            errors.Add($"spool.max_size: {ByteSizeText.Format(options.Spool.MaxBytes)} is below the minimum of 64KiB");
        }

        if (options.Spool.SegmentBytes < 1024 || options.Spool.SegmentBytes > options.Spool.MaxBytes)
        {
            errors.Add($"spool.segment_size: {ByteSizeText.Format(options.Spool.SegmentBytes)} must be between 1KiB and spool.max_size");
        }

        RequireBetween(errors, "reconnect.initial_delay", options.Reconnect.InitialDelay, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(1));
        RequireBetween(errors, "reconnect.max_delay", options.Reconnect.MaxDelay, options.Reconnect.InitialDelay, TimeSpan.FromHours(1));
        RequireBetween(errors, "reconnect.keepalive_interval", options.Reconnect.KeepAliveInterval, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        RequireBetween(errors, "reconnect.keepalive_timeout", options.Reconnect.KeepAliveTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10));
        RequireBetween(errors, "reconnect.silence_timeout", options.Reconnect.SilenceTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        return errors;
    }

    private static void RequireAbsolute(List<string> errors, string setting, string path)
    {
        if (!Path.IsPathFullyQualified(path))
        {
            errors.Add($"{setting}: '{path}' must be an absolute path");
        }
    }

    private static void RequireBetween(List<string> errors, string setting, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            errors.Add($"{setting}: {DurationText.Format(value)} must be between {DurationText.Format(min)} and {DurationText.Format(max)}");
        }
    }
}
