using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace SentinelSync.AgentGateway.Tests;

/// <summary>
/// The heartbeat interval told to agents comes from <c>Agents:HeartbeatInterval</c>, the setting Asset's offline
/// computation reads too; the old per-role keys still work as aliases and may not disagree with it.
/// </summary>
public class HeartbeatIntervalOptionsTests
{
    [Theory]
    [InlineData("Agents:HeartbeatInterval")]
    [InlineData("AgentGateway:HeartbeatInterval")]
    [InlineData("Asset:HeartbeatInterval")]
    public void HeartbeatInterval_SetUnderOneKey_IsToldToAgents(string key)
    {
        var options = Bind(new() { [key] = "00:00:07" });

        Assert.Equal(TimeSpan.FromSeconds(7), options.Value.HeartbeatInterval);
    }

    [Fact]
    public void HeartbeatInterval_SharedSettingAndAgreeingAliases_IsTheSharedValue()
    {
        var options = Bind(new()
        {
            ["Agents:HeartbeatInterval"] = "00:00:07",
            ["AgentGateway:HeartbeatInterval"] = "00:00:07",
            ["Asset:HeartbeatInterval"] = "00:00:07",
        });

        Assert.Equal(TimeSpan.FromSeconds(7), options.Value.HeartbeatInterval);
    }

    [Fact]
    public void HeartbeatInterval_NotSet_IsTenSeconds()
    {
        Assert.Equal(TimeSpan.FromSeconds(10), Bind([]).Value.HeartbeatInterval);
    }

    [Theory]
    [InlineData("AgentGateway:HeartbeatInterval")]
    [InlineData("Asset:HeartbeatInterval")]
    public void HeartbeatInterval_AliasDisagreesWithSharedSetting_FailsNamingBoth(string alias)
    {
        var options = Bind(new() { ["Agents:HeartbeatInterval"] = "00:00:10", [alias] = "00:00:05" });

        var ex = Assert.Throws<OptionsValidationException>(() => options.Value);

        var failure = Assert.Single(ex.Failures);
        Assert.StartsWith(alias + ": 00:00:05 disagrees", failure, StringComparison.Ordinal);
        Assert.Contains("00:00:10", failure, StringComparison.Ordinal);
        Assert.Contains("Agents:HeartbeatInterval", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void HeartbeatInterval_OldKeysDisagreeWithEachOther_Fails()
    {
        var options = Bind(new() { ["AgentGateway:HeartbeatInterval"] = "00:00:10", ["Asset:HeartbeatInterval"] = "00:00:30" });

        var ex = Assert.Throws<OptionsValidationException>(() => options.Value);

        Assert.StartsWith("Asset:HeartbeatInterval: 00:00:30 disagrees", Assert.Single(ex.Failures), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("00:00:00.500")]
    [InlineData("02:00:00")]
    public void HeartbeatInterval_OutOfRange_FailsNamingTheSetting(string value)
    {
        var options = Bind(new() { ["Agents:HeartbeatInterval"] = value });

        var ex = Assert.Throws<OptionsValidationException>(() => options.Value);

        Assert.StartsWith("Agents:HeartbeatInterval", Assert.Single(ex.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void HeartbeatInterval_NotATimeSpan_FailsNamingTheSetting()
    {
        var options = Bind(new() { ["Agents:HeartbeatInterval"] = "ten seconds" });

        var ex = Assert.Throws<InvalidOperationException>(() => options.Value);

        Assert.Contains("'Agents:HeartbeatInterval'", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>The options as the role binds them, from <paramref name="settings"/> over a valid Asset address.</summary>
    private static IOptions<AgentGatewayOptions> Bind(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddAgentGateway();

        // Only the options are resolved: nothing starts, nothing listens.
        var services = builder.Services.BuildServiceProvider();
        return services.GetRequiredService<IOptions<AgentGatewayOptions>>();
    }
}
