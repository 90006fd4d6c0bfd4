using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using SentinelSync.Asset.Agents;
using SentinelSync.Contracts.Agent.V1;
using SentinelSync.Contracts.Asset.V1;
using SentinelSync.Testing;

namespace SentinelSync.Asset.Tests;

[Collection(PostgresCollection.Name)]
public sealed class AgentRegistryTests(PostgresFixture postgres)
{
    private static readonly TimeSpan OfflineAfter = TimeSpan.FromMinutes(30);

    private async Task<AssetTestHost> StartAsync()
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Call);
        var database = await postgres.CreateDatabaseAsync(timeout.Token);
        return await AssetTestHost.StartAsync(database, AssetTestHost.NewCaKey());
    }

    [Fact]
    public async Task ListAgents_250AgentsPagedBy40_EveryAgentOnceInHostnameOrder()
    {
        await using var host = await StartAsync();
        var token = await Enroll.CreateTokenAsync(host.Client);
        for (var batch = 0; batch < 25; batch++)
        {
            await Task.WhenAll(Enumerable.Range(batch * 10, 10).Select(i => Enroll.AgentAsync(host.Client, token.Secret, $"node-{i % 100:D3}"))).WaitAsync(TestTimeouts.Call);
        }

        var seen = new List<Agent>();
        var pageToken = string.Empty;
        for (var page = 0; page < 10; page++)
        {
            var response = await host.Client.ListAgentsAsync(new ListAgentsRequest { PageSize = 40, PageToken = pageToken }).ResponseAsync.WaitAsync(TestTimeouts.Call);
            seen.AddRange(response.Agents);
            pageToken = response.NextPageToken;
            if (pageToken.Length == 0)
            {
                break;
            }
        }

        Assert.Empty(pageToken);
        Assert.Equal(250, seen.Count);
        Assert.Equal(250, seen.Select(agent => agent.AgentId).Distinct().Count());
        var expected = seen.OrderBy(a => a.Hostname, StringComparer.Ordinal).ThenBy(a => a.AgentId, StringComparer.Ordinal).Select(a => a.AgentId);
        Assert.Equal(expected, seen.Select(a => a.AgentId));
        Assert.Equal(100, (await host.Client.ListAgentsAsync(new ListAgentsRequest()).ResponseAsync.WaitAsync(TestTimeouts.Call)).Agents.Count);
    }

    [Fact]
    public async Task ListAgents_Filters_SelectorStateSearchAndVersion()
    {
        await using var host = await StartAsync();
        var prod = await Enroll.CreateTokenAsync(host.Client, labels: new Dictionary<string, string> { ["env"] = "prod", ["tier"] = "web" });
        var dev = await Enroll.CreateTokenAsync(host.Client, labels: new Dictionary<string, string> { ["env"] = "dev" });
        var web = await Enroll.AgentAsync(host.Client, prod.Secret, "Web-01.example");
        var db = await Enroll.AgentAsync(host.Client, dev.Secret, "db-01.example");
        await ReportAsync(host, web.AgentId, 0, new ConnectRequest { Hello = new Hello { AgentVersion = "1.2.0", Hostname = "Web-01.example" } }, "ipv4:10.1.2.3:5555");

        async Task<string[]> Hostnames(ListAgentsRequest request) =>
            (await host.Client.ListAgentsAsync(request).ResponseAsync.WaitAsync(TestTimeouts.Call)).Agents.Select(a => a.Hostname).ToArray();

        Assert.Equal(["Web-01.example"], await Hostnames(new ListAgentsRequest { LabelSelector = "env=prod" }));
        Assert.Equal(["db-01.example"], await Hostnames(new ListAgentsRequest { LabelSelector = "env!=prod" }));
        Assert.Equal(["db-01.example", "Web-01.example"], (await Hostnames(new ListAgentsRequest { LabelSelector = "env in (prod, dev)" })).Order(StringComparer.OrdinalIgnoreCase).ToArray());
        Assert.Equal(["db-01.example"], await Hostnames(new ListAgentsRequest { LabelSelector = "env notin (prod),!tier" }));
        Assert.Equal(["Web-01.example"], await Hostnames(new ListAgentsRequest { LabelSelector = "tier" }));
        Assert.Equal(["Web-01.example"], await Hostnames(new ListAgentsRequest { State = AgentState.Online }));
        Assert.Equal(["db-01.example"], await Hostnames(new ListAgentsRequest { State = AgentState.Offline }));
        Assert.Equal(["Web-01.example"], await Hostnames(new ListAgentsRequest { Search = "WEB-01" }));
        Assert.Equal(["Web-01.example"], await Hostnames(new ListAgentsRequest { Search = "10.1.2" }));
        Assert.Equal(["Web-01.example"], await Hostnames(new ListAgentsRequest { AgentVersion = "1.2.0" }));
        Assert.Empty(await Hostnames(new ListAgentsRequest { LabelSelector = "env=prod", State = AgentState.Offline }));

        var bad = await Assert.ThrowsAsync<RpcException>(() => host.Client.ListAgentsAsync(new ListAgentsRequest { LabelSelector = "env in prod" }).ResponseAsync.WaitAsync(TestTimeouts.Call));
        Assert.Equal(StatusCode.InvalidArgument, bad.StatusCode);
        Assert.Contains("position 8", bad.Status.Detail, StringComparison.Ordinal);
        var badToken = await Assert.ThrowsAsync<RpcException>(() => host.Client.ListAgentsAsync(new ListAgentsRequest { PageToken = "garbage!" }).ResponseAsync.WaitAsync(TestTimeouts.Call));
        Assert.Equal(StatusCode.InvalidArgument, badToken.StatusCode);
        _ = db;
    }

    [Fact]
    public async Task GetAgent_Unknown_NotFound()
    {
        await using var host = await StartAsync();
        var ex = await Assert.ThrowsAsync<RpcException>(() => host.Client.GetAgentAsync(new GetAgentRequest { AgentId = Guid.NewGuid().ToString() }).ResponseAsync.WaitAsync(TestTimeouts.Call));
        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
    }

    [Fact]
    public async Task UpdateAgentLabels_ValidAndInvalid_ReplacedOrInvalidArgument()
    {
        await using var host = await StartAsync();
        var token = await Enroll.CreateTokenAsync(host.Client, labels: new Dictionary<string, string> { ["old"] = "x" });
        var agent = await Enroll.AgentAsync(host.Client, token.Secret);
        var updated = await host.Client.UpdateAgentLabelsAsync(new UpdateAgentLabelsRequest { AgentId = agent.AgentId, Labels = { ["example.com/team"] = "ops", ["env"] = "" } }).ResponseAsync.WaitAsync(TestTimeouts.Call);
        Assert.Equal(2, updated.Agent.Labels.Count);
        Assert.False(updated.Agent.Labels.ContainsKey("old"));

        foreach (var (key, value) in new[] { ("-bad", "v"), ("ok", "spaces are bad"), ("Upper.Example.com/x", "v"), (new string('k', 64), "v") })
        {
            var ex = await Assert.ThrowsAsync<RpcException>(() => host.Client.UpdateAgentLabelsAsync(new UpdateAgentLabelsRequest { AgentId = agent.AgentId, Labels = { [key] = value } }).ResponseAsync.WaitAsync(TestTimeouts.Call));
            Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        }
    }

    [Fact]
    public async Task GetAgent_HeartbeatThenSilence_OnlineThenOfflineByLastSeen()
    {
        await using var host = await StartAsync();
        var token = await Enroll.CreateTokenAsync(host.Client);
        var agent = await Enroll.AgentAsync(host.Client, token.Secret);
        await ReportAsync(host, agent.AgentId, 1, new ConnectRequest { Heartbeat = new Heartbeat() });
        Assert.Equal(AgentState.Online, await StateAsync(host, agent.AgentId));

        // No sweep runs here: the state is derived from last_seen when read, as when the gateway died.
        host.Clock.Advance(OfflineAfter - TimeSpan.FromSeconds(1));
        Assert.Equal(AgentState.Online, await StateAsync(host, agent.AgentId));
        host.Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(AgentState.Offline, await StateAsync(host, agent.AgentId));
    }

    [Fact]
    public async Task RecordAgentReports_SameSequenceTwice_AppliedOnce()
    {
        await using var host = await StartAsync();
        var token = await Enroll.CreateTokenAsync(host.Client);
        var agent = await Enroll.AgentAsync(host.Client, token.Secret);
        var first = Inventory(1, "alpha");
        var second = Inventory(2, "beta");
        Assert.Equal(1UL, await ReportAsync(host, agent.AgentId, 1, first));
        Assert.Equal(2UL, await ReportAsync(host, agent.AgentId, 2, second));

        // Replayed after a reconnect: already committed, so dropped.
        Assert.Equal(2UL, await ReportAsync(host, agent.AgentId, 1, first));
        var changes = await host.Client.ListInventoryChangesAsync(new ListInventoryChangesRequest { AgentId = agent.AgentId }).ResponseAsync.WaitAsync(TestTimeouts.Call);
        Assert.Single(changes.Changes);
        var inventory = await host.Client.GetInventoryAsync(new GetInventoryRequest { AgentId = agent.AgentId }).ResponseAsync.WaitAsync(TestTimeouts.Call);
        Assert.Equal("beta", inventory.Inventory.Hostname);

        var empty = await host.Client.RecordAgentReportsAsync(new RecordAgentReportsRequest { AgentId = agent.AgentId }).ResponseAsync.WaitAsync(TestTimeouts.Call);
        Assert.Equal(2UL, empty.CommittedSequence);
    }

    [Fact]
    public async Task RecordAgentReports_DecommissionedOrUnknownAgent_PermissionDenied()
    {
        await using var host = await StartAsync();
        var token = await Enroll.CreateTokenAsync(host.Client);
        var agent = await Enroll.AgentAsync(host.Client, token.Secret);
        await ReportAsync(host, agent.AgentId, 1, new ConnectRequest { Heartbeat = new Heartbeat() });
        var decommissioned = await host.Client.DecommissionAgentAsync(new DecommissionAgentRequest { AgentId = agent.AgentId, Reason = "host retired" }).ResponseAsync.WaitAsync(TestTimeouts.Call);
        Assert.Equal(AgentState.Decommissioned, decommissioned.Agent.State);

        var ex = await Assert.ThrowsAsync<RpcException>(() => ReportAsync(host, agent.AgentId, 2, new ConnectRequest { Heartbeat = new Heartbeat() }));
        Assert.Equal(StatusCode.PermissionDenied, ex.StatusCode);
        Assert.Contains($"agent {agent.AgentId} is decommissioned: host retired", ex.Status.Detail, StringComparison.Ordinal);
        var welcome = await Assert.ThrowsAsync<RpcException>(() => host.Client.RecordAgentReportsAsync(new RecordAgentReportsRequest { AgentId = agent.AgentId }).ResponseAsync.WaitAsync(TestTimeouts.Call));
        Assert.Equal(StatusCode.PermissionDenied, welcome.StatusCode);
        var unknown = await Assert.ThrowsAsync<RpcException>(() => ReportAsync(host, Guid.NewGuid().ToString(), 1, new ConnectRequest { Heartbeat = new Heartbeat() }));
        Assert.Equal(StatusCode.PermissionDenied, unknown.StatusCode);
    }

    [Fact]
    public async Task WatchAgents_OnlineOfflineDecommission_EachChangeStreamed()
    {
        await using var host = await StartAsync();
        var token = await Enroll.CreateTokenAsync(host.Client, labels: new Dictionary<string, string> { ["env"] = "prod" });
        var other = await Enroll.CreateTokenAsync(host.Client, labels: new Dictionary<string, string> { ["env"] = "dev" });
        var agent = await Enroll.AgentAsync(host.Client, token.Secret, "watched");
        var ignored = await Enroll.AgentAsync(host.Client, other.Secret, "ignored");
        using var cts = new CancellationTokenSource(TestTimeouts.Call);
        using var watch = host.Client.WatchAgents(new WatchAgentsRequest { LabelSelector = "env=prod" }, cancellationToken: cts.Token);

        async Task<Agent> NextAsync()
        {
            Assert.True(await watch.ResponseStream.MoveNext(cts.Token).WaitAsync(TestTimeouts.Call));
            return watch.ResponseStream.Current.Agent;
        }

        var initial = await NextAsync();
        Assert.Equal((agent.AgentId, AgentState.Offline), (initial.AgentId, initial.State));

        await ReportAsync(host, ignored.AgentId, 1, new ConnectRequest { Heartbeat = new Heartbeat() });
        await ReportAsync(host, agent.AgentId, 1, new ConnectRequest { Heartbeat = new Heartbeat() });
        var online = await NextAsync();
        Assert.Equal((agent.AgentId, AgentState.Online), (online.AgentId, online.State));

        host.Clock.Advance(OfflineAfter + TimeSpan.FromSeconds(1));
        Assert.Equal(2, await host.Service<OfflineSweeper>().SweepAsync(cts.Token).WaitAsync(TestTimeouts.Call));
        var offline = await NextAsync();
        Assert.Equal((agent.AgentId, AgentState.Offline), (offline.AgentId, offline.State));
        Assert.Equal(0, await host.Service<OfflineSweeper>().SweepAsync(cts.Token).WaitAsync(TestTimeouts.Call));

        await host.Client.DecommissionAgentAsync(new DecommissionAgentRequest { AgentId = agent.AgentId }).ResponseAsync.WaitAsync(TestTimeouts.Call);
        var gone = await NextAsync();
        Assert.Equal((agent.AgentId, AgentState.Decommissioned), (gone.AgentId, gone.State));
    }

    private static ConnectRequest Inventory(ulong sequence, string hostname) => new()
    {
        Sequence = sequence,
        Inventory = new InventoryReport
        {
            Full = true,
            Inventory = new Contracts.Agent.V1.Inventory { Hostname = hostname, Memory = new Memory { TotalBytes = 1024 } },
        },
    };

    private static async Task<ulong> ReportAsync(AssetTestHost host, string agentId, ulong sequence, ConnectRequest report, string peer = "")
    {
        report.Sequence = sequence;
        var response = await host.Client.RecordAgentReportsAsync(new RecordAgentReportsRequest { AgentId = agentId, Reports = { report }, PeerAddress = peer }).ResponseAsync.WaitAsync(TestTimeouts.Call);
        return response.CommittedSequence;
    }

    private static async Task<AgentState> StateAsync(AssetTestHost host, string agentId) =>
        (await host.Client.GetAgentAsync(new GetAgentRequest { AgentId = agentId }).ResponseAsync.WaitAsync(TestTimeouts.Call)).Agent.State;
}
