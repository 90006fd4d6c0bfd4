using System.Runtime.CompilerServices;
using SentinelSync.Agent.Configuration;

namespace SentinelSync.Agent.Tests.Configuration;

public sealed class AgentConfigurationReaderTests
{
    private const string Valid = """
        server_url: https://sentinel.example.com:7443
        state_directory: /var/lib/sentinel-agent
        collectors:
          inventory_interval: 15m
          metrics_interval: 30s
          disabled: [metrics.netdev, inventory.disks]
          proc_root: /host/proc
          sys_root: /host/sys
          etc_root: /host/etc
        spool:
          max_size: 128MiB
          segment_size: 2MiB
        reconnect:
          initial_delay: 500ms
          max_delay: 5m
        """;

    [Fact]
    public void Parse_EverySetting_IsBound()
    {
        var options = AgentConfigurationReader.Parse(Valid, "agent.yaml");

        Assert.Equal(new Uri("https://sentinel.example.com:7443"), options.ServerUrl);
        Assert.Equal("/var/lib/sentinel-agent", options.StateDirectory);
        Assert.Equal((TimeSpan.FromMinutes(15), TimeSpan.FromSeconds(30)), (options.Collectors.InventoryInterval, options.Collectors.MetricsInterval));
        Assert.Equal(["metrics.netdev", "inventory.disks"], options.Collectors.Disabled);
        Assert.Equal(("/host/proc", "/host/sys", "/host/etc"), (options.Collectors.ProcRoot, options.Collectors.SysRoot, options.Collectors.EtcRoot));
        Assert.Equal((128L << 20, 2L << 20), (options.Spool.MaxBytes, options.Spool.SegmentBytes));
        Assert.Equal("/var/lib/sentinel-agent/spool", options.Spool.Directory);
        Assert.Equal((TimeSpan.FromMilliseconds(500), TimeSpan.FromMinutes(5)), (options.Reconnect.InitialDelay, options.Reconnect.MaxDelay));
    }

    [Fact]
    public void Parse_OnlyServerUrl_KeepsTheDefaults()
    {
        var options = AgentConfigurationReader.Parse("server_url: http://127.0.0.1:7443\n", "agent.yaml");

        Assert.Equal(("/proc", TimeSpan.FromSeconds(10), 64L << 20), (options.Collectors.ProcRoot, options.Collectors.MetricsInterval, options.Spool.MaxBytes));
    }

    [Fact]
    public void Load_ShippedExample_IsValid()
    {
        var options = AgentConfigurationReader.Load(Path.Combine(RepositoryAgentDirectory(), "systemd", "agent.yaml"));

        Assert.NotNull(options.ServerUrl);
    }

    [Theory]
    [InlineData("state_directory: /x\n", "server_url: required")]
    [InlineData("server_url: ftp://host/\n", "server_url: 'ftp://host/' must be an http or https URL")]
    [InlineData("server_url: not a url\n", "line 1: server_url: 'not a url' is not an absolute URL")]
    [InlineData("server_url: https://h/\nstate_directory: relative/dir\n", "state_directory: 'relative/dir' must be an absolute path")]
    [InlineData("server_url: https://h/\ncollectors:\n  metrics_interval: ten seconds\n", "line 3: collectors.metrics_interval: 'ten seconds' is not a duration")]
    [InlineData("server_url: https://h/\ncollectors:\n  metrics_interval: 100ms\n", "collectors.metrics_interval: 100ms must be between 1s and 1h")]
    [InlineData("server_url: https://h/\ncollectors:\n  intervall: 10s\n", "line 3: collectors.intervall: unknown setting; expected one of proc_root")]
    [InlineData("server_url: https://h/\ncollectors:\n  disabled: metrics.cpu\n", "line 3: collectors.disabled: expected a list")]
    [InlineData("server_url: https://h/\ncollectors:\n  disabled: [metrics.gpu]\n", "collectors.disabled: unknown collector 'metrics.gpu'; known: inventory.os,")]
    [InlineData("server_url: https://h/\nspool:\n  max_size: 1KiB\n", "spool.max_size: 1KiB is below the minimum of 64KiB")]
    [InlineData("server_url: https://h/\nspool:\n  max_size: lots\n", "line 3: spool.max_size: 'lots' is not a size")]
    [InlineData("server_url: https://h/\nspool:\n  max_size: 1MiB\n  segment_size: 2MiB\n", "spool.segment_size: 2MiB must be between 1KiB and spool.max_size")]
    [InlineData("server_url: https://h/\nreconnect:\n  initial_delay: 10s\n  max_delay: 5s\n", "reconnect.max_delay: 5s must be between 10s and 1h")]
    [InlineData("- just\n- a list\n", "(document): expected a mapping of settings")]
    [InlineData("server_url: [unclosed\n", "not valid YAML")]
    public void Parse_InvalidSetting_FailsWithAMessageNamingIt(string yaml, string expected)
    {
        var error = Assert.Throws<AgentConfigurationException>(() => AgentConfigurationReader.Parse(yaml, "agent.yaml"));

        Assert.Contains(error.Errors, message => message.Contains(expected, StringComparison.Ordinal));
        Assert.Contains("agent.yaml", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SeveralMistakes_ReportsEachOfThem()
    {
        var error = Assert.Throws<AgentConfigurationException>(() =>
            AgentConfigurationReader.Parse("server_url: https://h/\ncolectors: {}\nspool:\n  max_size: x\n", "agent.yaml"));

        Assert.Equal(2, error.Errors.Count);
    }

    [Fact]
    public void Load_MissingFile_NamesThePath()
    {
        var error = Assert.Throws<AgentConfigurationException>(() => AgentConfigurationReader.Load("/nonexistent/agent.yaml"));

        Assert.Contains("/nonexistent/agent.yaml", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("10s", 10_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("1d", 86_400_000)]
    public void DurationText_ValidText_Parses(string text, double milliseconds)
    {
        Assert.True(DurationText.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("10")]
    [InlineData("s")]
    [InlineData("10 s")]
    [InlineData("10sec")]
    [InlineData("-5s")]
    public void DurationText_InvalidText_IsRejected(string text)
    {
        Assert.False(DurationText.TryParse(text, out _));
    }

    [Theory]
    [InlineData("65536", 65536L)]
    [InlineData("512KiB", 512L * 1024)]
    [InlineData("64 MiB", 64L << 20)]
    [InlineData("1GiB", 1L << 30)]
    [InlineData("100MB", 100_000_000L)]
    public void ByteSizeText_ValidText_Parses(string text, long expected)
    {
        Assert.True(ByteSizeText.TryParse(text, out var bytes));
        Assert.Equal(expected, bytes);
    }

    [Theory]
    [InlineData("")]
    [InlineData("MiB")]
    [InlineData("-1")]
    [InlineData("1.5GiB")]
    [InlineData("99999999999TiB")]
    public void ByteSizeText_InvalidText_IsRejected(string text)
    {
        Assert.False(ByteSizeText.TryParse(text, out _));
    }

    private static string RepositoryAgentDirectory([CallerFilePath] string callerPath = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(callerPath)!, "..", "..", "..", "agent"));
}
