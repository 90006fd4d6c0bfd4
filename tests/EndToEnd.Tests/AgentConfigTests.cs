using SentinelSync.Contracts.Asset.V1;
using SentinelSync.Testing;

namespace SentinelSync.EndToEnd.Tests;

/// <summary>Versioned configuration pushed to a running agent: applied without a restart, or rejected with the reason.</summary>
[Collection(PostgresCollection.Name)]
public sealed class AgentConfigTests(PostgresFixture postgres)
{
    [Fact]
    public async Task ConfigChange_AppliedWithoutRestart_InvalidOneRejectedWithReasonKeepingThePrevious()
    {
        await using var platform = await Platform.StartAsync(postgres);
        await using var agent = await platform.StartAgentAsync(TimeSpan.FromSeconds(5));
        await platform.WaitForAgentAsync(agent.AgentId, a => a.State == AgentState.Online, Platform.Timeout, "online");
        var target = new ConfigTarget { AgentId = agent.AgentId };

        // 1. A valid change: applied and acknowledged by the running process.
        var first = (await platform.Assets.PutConfigAsync(
            new PutConfigRequest { Target = target, Document = "collectors:\n  metrics_interval: 2s\n", Comment = "faster metrics" },
            platform.Admin,
            Platform.Deadline)).Config;
        Assert.Equal("admin", first.Author);
        await platform.WaitForAgentAsync(agent.AgentId, a => a.AppliedConfigVersion == first.Version, Platform.Timeout, $"running config version {first.Version}");

        // 2. An invalid one (the platform stores any YAML mapping; the agent's validation refuses this value).
        var second = (await platform.Assets.PutConfigAsync(
            new PutConfigRequest { ConfigId = first.ConfigId, Target = target, Document = "collectors:\n  metrics_interval: 0s\n", Comment = "too fast", BaseVersion = first.Version },
            platform.Admin,
            Platform.Deadline)).Config;
        var effective = await AgentLifecycleTests.WaitForAsync(
            async () => await platform.Assets.GetEffectiveConfigAsync(new GetEffectiveConfigRequest { AgentId = agent.AgentId }, platform.Admin, Platform.Deadline),
            e => e.Status?.Version == second.Version,
            $"a report on version {second.Version}");

        Assert.False(effective.Status.Applied);
        Assert.Contains("metrics_interval", effective.Status.RejectionReason, StringComparison.Ordinal);
        Assert.Equal(first.Version, (await platform.GetAgentAsync(agent.AgentId)).AppliedConfigVersion);
        // Applied and refused without a restart: the one process started above is still running, on its first stream.
        Assert.False(agent.Process.HasExited, agent.Log);
        Assert.Equal(1, AgentLifecycleTests.CountOf(agent.Log, "Connected as agent"));
    }
}
