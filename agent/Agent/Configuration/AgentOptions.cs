using SentinelSync.Agent.Collectors;
using SentinelSync.Agent.Connection;
using SentinelSync.Agent.Spool;

namespace SentinelSync.Agent.Configuration;

/// <summary>The agent's local configuration, read from <c>/etc/sentinel-agent/agent.yaml</c> or <c>--config</c>.</summary>
/// <remarks>Collector intervals here are the defaults until the platform pushes its own configuration.</remarks>
internal sealed class AgentOptions
{
    public const string DefaultPath = "/etc/sentinel-agent/agent.yaml";

    /// <summary><c>server_url</c>: the platform's agent endpoint, e.g. <c>https://sentinel.example.com:7443</c>. Required.</summary>
    public Uri? ServerUrl { get; set; }

    /// <summary><c>state_directory</c>: identity and spool live here. Default <c>/var/lib/sentinel-agent</c>.</summary>
    public string StateDirectory { get; set; } = "/var/lib/sentinel-agent";

    /// <summary><c>collectors</c>: roots, intervals and the collectors switched off.</summary>
    public CollectorOptions Collectors { get; } = new();

    /// <summary><c>spool</c>: the bound of the disk spool; its directory is <c>{state_directory}/spool</c>.</summary>
    public SpoolOptions Spool { get; } = new();

    /// <summary><c>reconnect</c>: backoff between attempts to reach the platform.</summary>
    public ReconnectOptions Reconnect { get; } = new();

    /// <summary>A deep copy, the base a pushed configuration is layered on.</summary>
    public AgentOptions Clone()
    {
        var copy = new AgentOptions { ServerUrl = ServerUrl, StateDirectory = StateDirectory };
        copy.Collectors.ProcRoot = Collectors.ProcRoot;
        copy.Collectors.SysRoot = Collectors.SysRoot;
        copy.Collectors.EtcRoot = Collectors.EtcRoot;
        copy.Collectors.InventoryInterval = Collectors.InventoryInterval;
        copy.Collectors.MetricsInterval = Collectors.MetricsInterval;
        foreach (var name in Collectors.Disabled)
        {
            copy.Collectors.Disabled.Add(name);
        }

        copy.Spool.Directory = Spool.Directory;
        copy.Spool.MaxBytes = Spool.MaxBytes;
        copy.Spool.SegmentBytes = Spool.SegmentBytes;
        copy.Reconnect.InitialDelay = Reconnect.InitialDelay;
        copy.Reconnect.MaxDelay = Reconnect.MaxDelay;
        copy.Reconnect.KeepAliveInterval = Reconnect.KeepAliveInterval;
        copy.Reconnect.KeepAliveTimeout = Reconnect.KeepAliveTimeout;
        copy.Reconnect.SilenceTimeout = Reconnect.SilenceTimeout;
        return copy;
    }
}
