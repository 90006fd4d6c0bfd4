using System.Text.Json;
using SentinelSync.Agent.Tests.Support;

namespace SentinelSync.Agent.Tests.Commands;

public sealed class CollectCommandTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task CollectOnceJson_ThisMachine_PrintsHostnameCoresAndMetrics()
    {
        var (exitCode, stdout, stderr) = await AgentProcess.RunAsync(Timeout, "collect", "--once", "--json", "--sample-interval", "200ms");

        Assert.True(exitCode == 0, $"exit code {exitCode}\n{stderr}\n{stdout}");
        using var document = JsonDocument.Parse(stdout);
        var inventory = document.RootElement.GetProperty("inventory");
        Assert.False(string.IsNullOrWhiteSpace(inventory.GetProperty("hostname").GetString()));
        Assert.True(inventory.GetProperty("cpu").GetProperty("logicalCores").GetInt32() > 0);
        var samples = document.RootElement.GetProperty("metrics").GetProperty("samples").EnumerateArray().Select(s => s.GetProperty("name").GetString()).ToList();
        Assert.Contains("cpu.usage_percent", samples);
        Assert.Contains("memory.used_bytes", samples);
        Assert.All(document.RootElement.GetProperty("collectors").EnumerateArray(), c => Assert.False(c.TryGetProperty("error", out _), c.ToString()));
    }

    [Fact]
    public async Task CollectOnceJson_FixtureRoots_ReadsTheFixtureInsteadOfTheHost()
    {
        using var fixture = new FixtureHost();

        var (exitCode, stdout, stderr) = await AgentProcess.RunAsync(
            Timeout,
            "collect", "--once", "--json", "--sample-interval", "10ms",
            "--proc-root", Path.Combine(fixture.Root, "proc"),
            "--sys-root", Path.Combine(fixture.Root, "sys"),
            "--etc-root", Path.Combine(fixture.Root, "etc"));

        Assert.True(exitCode == 0, $"exit code {exitCode}\n{stderr}\n{stdout}");
        using var document = JsonDocument.Parse(stdout);
        var inventory = document.RootElement.GetProperty("inventory");
        Assert.Equal("web-01.example.internal", inventory.GetProperty("hostname").GetString());
        Assert.Equal(4, inventory.GetProperty("cpu").GetProperty("logicalCores").GetInt32());
    }

    [Fact]
    public async Task Collect_WithoutOnce_ExitsWithUsageError()
    {
        var (exitCode, _, stderr) = await AgentProcess.RunAsync(Timeout, "collect");

        Assert.Equal(2, exitCode);
        Assert.Contains("--once", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CollectOnce_InvalidConfig_ExitsNamingTheSetting()
    {
        using var directory = new TempDirectory();
        var config = Path.Combine(directory.Path, "agent.yaml");
        await File.WriteAllTextAsync(config, "server_url: https://h/\ncollectors:\n  disabled: [metrics.gpu]\n").WaitAsync(Timeout);

        var (exitCode, _, stderr) = await AgentProcess.RunAsync(Timeout, "collect", "--once", "--config", config);

        Assert.Equal(2, exitCode);
        Assert.Contains("collectors.disabled: unknown collector 'metrics.gpu'", stderr, StringComparison.Ordinal);
    }
}
