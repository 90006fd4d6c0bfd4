using SentinelSync.Asset.Reports;
using SentinelSync.Contracts.Agent.V1;
using SentinelSync.Contracts.Asset.V1;
using SentinelSync.Testing;

namespace SentinelSync.Asset.Tests;

[Collection(PostgresCollection.Name)]
public sealed class LivenessBufferTests(PostgresFixture postgres)
{
    [Fact]
    public async Task UnsequencedHeartbeats_WrittenAtTheFlush_ComingOnlineAnnounced_DecommissionedLeftAlone()
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Call);
        await using var host = await AssetTestHost.StartAsync(await postgres.CreateDatabaseAsync(timeout.Token), AssetTestHost.NewCaKey());
        var prod = await Enroll.CreateTokenAsync(host.Client, labels: new Dictionary<string, string> { ["env"] = "prod" });
        var dev = await Enroll.CreateTokenAsync(host.Client, labels: new Dictionary<string, string> { ["env"] = "dev" });
        var agent = await Enroll.AgentAsync(host.Client, prod.Secret, "beating");
        var retired = await Enroll.AgentAsync(host.Client, dev.Secret, "retired");
        await host.Client.DecommissionAgentAsync(new DecommissionAgentRequest { AgentId = retired.AgentId }).ResponseAsync.WaitAsync(TestTimeouts.Call);
        using var watch = host.Client.WatchAgents(new WatchAgentsRequest { LabelSelector = "env=prod" }, cancellationToken: timeout.Token);
        Assert.True(await watch.ResponseStream.MoveNext(timeout.Token));
        Assert.Equal(AgentState.Offline, watch.ResponseStream.Current.Agent.State);

        // Heartbeats alone: answered at once with nothing committed, written only at the flush.
        foreach (var id in new[] { agent.AgentId, retired.AgentId })
        {
            var response = await host.Client.RecordAgentReportsAsync(
                new RecordAgentReportsRequest { AgentId = id, Reports = { new ConnectRequest { Heartbeat = new Heartbeat() } } }).ResponseAsync.WaitAsync(TestTimeouts.Call);
            Assert.Equal(0UL, response.CommittedSequence);
        }

        Assert.Equal(AgentState.Offline, await StateAsync(host, agent.AgentId));

        Assert.Equal(1, await host.Service<LivenessBuffer>().FlushAsync(timeout.Token));

        Assert.True(await watch.ResponseStream.MoveNext(timeout.Token));
        Assert.Equal((agent.AgentId, AgentState.Online), (watch.ResponseStream.Current.Agent.AgentId, watch.ResponseStream.Current.Agent.State));
        Assert.Equal(AgentState.Online, await StateAsync(host, agent.AgentId));
        Assert.Equal(AgentState.Decommissioned, await StateAsync(host, retired.AgentId));
        Assert.Equal(0, await host.Service<LivenessBuffer>().FlushAsync(timeout.Token));
    }

    private static async Task<AgentState> StateAsync(AssetTestHost host, string agentId) =>
        (await host.Client.GetAgentAsync(new GetAgentRequest { AgentId = agentId }).ResponseAsync.WaitAsync(TestTimeouts.Call)).Agent.State;
}
