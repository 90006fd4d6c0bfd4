using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace SentinelSync.Asset.Tests;

/// <summary>
/// The offline computation counts in <c>Agents:HeartbeatInterval</c>, the interval the agent gateway tells agents;
/// the old per-role keys still work as aliases and may not disagree with it.
/// </summary>
public class HeartbeatIntervalOptionsTests
{
    [Theory]
    [InlineData("Agents:HeartbeatInterval")]
    [InlineData("Asset:HeartbeatInterval")]
    [InlineData("AgentGateway:HeartbeatInterval")]
    public void OfflineAfter_IntervalSetUnderOneKey_CountsInIt(string key)
    {
        var options = Bind(new() { [key] = "00:00:07", ["Asset:MissedHeartbeatsOffline"] = "3" });

        Assert.Equal(TimeSpan.FromSeconds(7), options.Value.HeartbeatInterval);
        Assert.Equal(TimeSpan.FromSeconds(21), options.Value.OfflineAfter);
    }

    [Fact]
    public void HeartbeatInterval_NotSet_IsTenSeconds()
    {
        Assert.Equal(TimeSpan.FromSeconds(10), Bind([]).Value.HeartbeatInterval);
    }

    [Theory]
    [InlineData("Asset:HeartbeatInterval")]
    [InlineData("AgentGateway:HeartbeatInterval")]
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
    public void HeartbeatInterval_AliasesAgreeWithSharedSetting_Valid()
    {
        var options = Bind(new()
        {
            ["Agents:HeartbeatInterval"] = "00:00:10",
            ["Asset:HeartbeatInterval"] = "00:00:10",
            ["AgentGateway:HeartbeatInterval"] = "00:00:10",
        });

        Assert.Equal(TimeSpan.FromSeconds(10), options.Value.HeartbeatInterval);
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

    /// <summary>The options as the role binds them, from <paramref name="settings"/> over a valid CA key.</summary>
    private static IOptions<AssetOptions> Bind(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Asset:CaKeyEncryptionKey"] = AssetTestHost.NewCaKey() });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddAsset();

        // Only the options are resolved: nothing starts, no database is reached.
        var services = builder.Services.BuildServiceProvider();
        return services.GetRequiredService<IOptions<AssetOptions>>();
    }
}
