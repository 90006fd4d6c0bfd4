using System.Globalization;
using SentinelSync.Agent.Tests.Commands;

namespace SentinelSync.EndToEnd.Tests;

/// <summary>
/// One <c>sentinel-agent</c> installation for a test: its own state directory and config file pointing at the
/// platform's agent endpoint, enrolled with <c>sentinel-agent enroll</c> and run with <c>sentinel-agent run</c>.
/// </summary>
internal sealed class HostAgent : IAsyncDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sentinel-e2e-agent-").FullName;
    private RunningAgent? _running;

    public HostAgent(Uri agentEndpoint, TimeSpan metricsInterval)
    {
        ConfigPath = Path.Combine(_directory, "agent.yaml");
        StateDirectory = Path.Combine(_directory, "state");
        File.WriteAllText(ConfigPath, string.Create(CultureInfo.InvariantCulture, $"""
            server_url: {agentEndpoint}
            state_directory: {StateDirectory}
            collectors:
              metrics_interval: {metricsInterval.TotalSeconds}s
              inventory_interval: 10s
            reconnect:
              initial_delay: 100ms
              max_delay: 1s
              keepalive_interval: 2s
              keepalive_timeout: 2s
              silence_timeout: 10s
            """));
    }

    public string ConfigPath { get; }

    /// <summary>The agent's state directory: identity and spool.</summary>
    public string StateDirectory { get; }

    /// <summary>The agent id printed by a successful enrollment.</summary>
    public string AgentId { get; private set; } = string.Empty;

    /// <summary>What the running agent logged so far.</summary>
    public string Log => _running?.Stderr ?? string.Empty;

    public RunningAgent Process => _running ?? throw new InvalidOperationException("The agent is not running.");

    /// <summary>Runs <c>sentinel-agent enroll</c>; returns its exit code and output, keeping the agent id on success.</summary>
    public async Task<(int ExitCode, string Stdout, string Stderr)> EnrollAsync(Uri agentEndpoint, string token, string caFingerprint)
    {
        var result = await AgentProcess.RunAsync(
            Platform.Timeout,
            "enroll", "--server", agentEndpoint.ToString(), "--token", token, "--ca-fingerprint", caFingerprint, "--hostname", "e2e-host", "--config", ConfigPath);
        if (result.ExitCode == 0)
        {
            AgentId = result.Stdout.Trim();
        }

        return result;
    }

    /// <summary>Starts <c>sentinel-agent run</c> in the background.</summary>
    public void Start() => _running = RunningAgent.Start("run", "--config", ConfigPath);

    public async ValueTask DisposeAsync()
    {
        if (_running is not null)
        {
            await _running.DisposeAsync();
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temporary directory is harmless.
        }
    }
}
