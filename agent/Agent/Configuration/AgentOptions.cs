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
}
