using SentinelSync.Contracts.Asset.V1;
using SentinelSync.Testing;

namespace SentinelSync.EndToEnd.Tests;

/// <summary>Agent Gateway replicas side by side against one Asset service and database.</summary>
[Collection(PostgresCollection.Name)]
public sealed class AgentGatewayReplicaTests(PostgresFixture postgres)
{
    [Fact]
    public async Task TwoReplicas_OneKilled_ItsAgentGoesOfflineTheOtherStaysOnline()
    {
        await using var platform = await Platform.StartAsync(postgres, roles: "gateway,asset");
        await using var first = await platform.StartAgentGatewayAsync();
        await using var second = await platform.StartAgentGatewayAsync();
        await using var onFirst = await platform.StartAgentAsync(TimeSpan.FromSeconds(5), first.AgentAddress);
        await using var onSecond = await platform.StartAgentAsync(TimeSpan.FromSeconds(5), second.AgentAddress);
        await platform.WaitForAgentAsync(onFirst.AgentId, a => a.State == AgentState.Online, Platform.Timeout, "online through the first replica");
        await platform.WaitForAgentAsync(onSecond.AgentId, a => a.State == AgentState.Online, Platform.Timeout, "online through the second replica");

        // The replica dies without a word to Asset: its agent's state comes from the heartbeats that stop arriving.
        first.Kill();
        await first.WaitForExitAsync(Platform.Timeout);
        var killedAt = DateTime.UtcNow;
        await platform.WaitForAgentAsync(onFirst.AgentId, a => a.State == AgentState.Offline, TimeSpan.FromSeconds(20), "offline after its replica died");

        var survivor = await platform.GetAgentAsync(onSecond.AgentId);
        Assert.Equal(AgentState.Online, survivor.State);
        Assert.True(survivor.LastSeen.ToDateTime() > killedAt, $"the second replica's agent was last seen at {survivor.LastSeen}, before the kill at {killedAt:O}");
        Assert.Equal(1, AgentLifecycleTests.CountOf(onSecond.Log, "Connected as agent"));
    }
}
