using Grpc.Core;
using SentinelSync.Contracts.Agent.V1;
using SentinelSync.Contracts.Asset.V1;
using SentinelSync.Testing;

namespace SentinelSync.Asset.Tests;

[Collection(PostgresCollection.Name)]
public sealed class ConfigTests(PostgresFixture postgres)
{
    private async Task<AssetTestHost> StartAsync()
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Call);
        var database = await postgres.CreateDatabaseAsync(timeout.Token);
        return await AssetTestHost.StartAsync(database, AssetTestHost.NewCaKey());
    }

    private static async Task<ConfigVersion> PutAsync(AssetTestHost host, PutConfigRequest request, Metadata? headers = null) =>
        (await host.Client.PutConfigAsync(request, headers).ResponseAsync.WaitAsync(TestTimeouts.Call)).Config;

    [Fact]
    public async Task PutConfig_NewVersions_ListedNewestFirstWithAuthor()
    {
        await using var host = await StartAsync();
        var v1 = await PutAsync(host, new PutConfigRequest { Target = new ConfigTarget { LabelSelector = "env=prod" }, Document = "a: 1\n", Comment = "first" });
        var v2 = await PutAsync(host, new PutConfigRequest { ConfigId = v1.ConfigId, BaseVersion = v1.Version, Document = "a: 2\n" }, new Metadata { { AssetTestHost.TestUserHeader, "bob" } });
        Assert.True(v2.Version > v1.Version);
        Assert.Equal("system", v1.Author);
        Assert.Equal("bob", v2.Author);

        var versions = await host.Client.ListConfigVersionsAsync(new ListConfigVersionsRequest { ConfigId = v1.ConfigId, PageSize = 1 }).ResponseAsync.WaitAsync(TestTimeouts.Call);
        Assert.Equal(v2.Version, Assert.Single(versions.Versions).Version);
        var next = await host.Client.ListConfigVersionsAsync(new ListConfigVersionsRequest { ConfigId = v1.ConfigId, PageSize = 1, PageToken = versions.NextPageToken }).ResponseAsync.WaitAsync(TestTimeouts.Call);
        var older = Assert.Single(next.Versions);
        Assert.Equal((v1.Version, "first", "a: 1\n", "env=prod"), (older.Version, older.Comment, older.Document, older.Target.LabelSelector));
        Assert.Empty(next.NextPageToken);
    }

    [Fact]
    public async Task PutConfig_StaleBaseVersion_Aborted()
    {
        await using var host = await StartAsync();
        var v1 = await PutAsync(host, new PutConfigRequest { Target = new ConfigTarget { LabelSelector = "env" }, Document = "a: 1\n" });
        var v2 = await PutAsync(host, new PutConfigRequest { ConfigId = v1.ConfigId, BaseVersion = v1.Version, Document = "a: 2\n" });
        var ex = await Assert.ThrowsAsync<RpcException>(() => PutAsync(host, new PutConfigRequest { ConfigId = v1.ConfigId, BaseVersion = v1.Version, Document = "a: 3\n" }));
        Assert.Equal(StatusCode.Aborted, ex.StatusCode);
        Assert.Contains($"config {v1.ConfigId} is at version {v2.Version}", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a: [1, 2\n", "line 2, column")]
    [InlineData("- one\n- two\n", "must be a YAML mapping")]
    [InlineData("just text", "must be a YAML mapping")]
    [InlineData("a: 1\nb: {c: d\n", "line 3, column")]
    [InlineData("", "exactly one")]
    public async Task PutConfig_BadYaml_InvalidArgumentWithPosition(string document, string expected)
    {
        await using var host = await StartAsync();
        var ex = await Assert.ThrowsAsync<RpcException>(() => PutAsync(host, new PutConfigRequest { Target = new ConfigTarget { LabelSelector = "env" }, Document = document }));
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Contains(expected, ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DiffConfigVersions_TwoVersions_UnifiedDiff()
    {
        await using var host = await StartAsync();
        var v1 = await PutAsync(host, new PutConfigRequest { Target = new ConfigTarget { LabelSelector = "env" }, Document = "a: 1\nb: 2\nc: 3\n" });
        var v2 = await PutAsync(host, new PutConfigRequest { ConfigId = v1.ConfigId, BaseVersion = v1.Version, Document = "a: 1\nb: 20\nc: 3\nd: 4\n" });
        var diff = await host.Client.DiffConfigVersionsAsync(new DiffConfigVersionsRequest { ConfigId = v1.ConfigId, FromVersion = v1.Version, ToVersion = v2.Version }).ResponseAsync.WaitAsync(TestTimeouts.Call);
        Assert.Equal(
            $"--- {v1.ConfigId}@{v1.Version}\n+++ {v1.ConfigId}@{v2.Version}\n@@ -1,3 +1,4 @@\n a: 1\n-b: 2\n+b: 20\n c: 3\n+d: 4\n",
            diff.UnifiedDiff);
        var missing = await Assert.ThrowsAsync<RpcException>(() => host.Client.DiffConfigVersionsAsync(new DiffConfigVersionsRequest { ConfigId = v1.ConfigId, FromVersion = 999, ToVersion = v2.Version }).ResponseAsync.WaitAsync(TestTimeouts.Call));
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task GetEffectiveConfig_SelectorAndAgentDocuments_DeepMergedInOrder()
    {
        await using var host = await StartAsync();
        var token = await Enroll.CreateTokenAsync(host.Client, labels: new Dictionary<string, string> { ["env"] = "prod", ["tier"] = "web" });
        var agent = await Enroll.AgentAsync(host.Client, token.Secret);
        var all = await PutAsync(host, new PutConfigRequest { Target = new ConfigTarget { LabelSelector = "env" }, Document = "log:\n  level: info\n  path: /var/log/a\nmetrics:\n  interval: 10s\n" });
        await PutAsync(host, new PutConfigRequest { Target = new ConfigTarget { LabelSelector = "env=dev" }, Document = "log:\n  level: trace\n" });
        var web = await PutAsync(host, new PutConfigRequest { Target = new ConfigTarget { LabelSelector = "tier in (web)" }, Document = "log:\n  level: debug\n" });
        var own = await PutAsync(host, new PutConfigRequest { Target = new ConfigTarget { AgentId = agent.AgentId }, Document = "metrics:\n  interval: 5s\n" });

        var effective = await host.Client.GetEffectiveConfigAsync(new GetEffectiveConfigRequest { AgentId = agent.AgentId }).ResponseAsync.WaitAsync(TestTimeouts.Call);
        Assert.Equal(own.Version, effective.Version);
        Assert.Equal("log:\n  level: debug\n  path: /var/log/a\nmetrics:\n  interval: 5s\n", effective.Document);

        // A newer selector version raises the effective version even though the agent's own document is older.
        var all2 = await PutAsync(host, new PutConfigRequest { ConfigId = all.ConfigId, BaseVersion = all.Version, Document = "log:\n  level: warn\nextra: true\n" });
        effective = await host.Client.GetEffectiveConfigAsync(new GetEffectiveConfigRequest { AgentId = agent.AgentId }).ResponseAsync.WaitAsync(TestTimeouts.Call);
        Assert.Equal(all2.Version, effective.Version);
        Assert.Equal("log:\n  level: debug\nextra: true\nmetrics:\n  interval: 5s\n", effective.Document);
        _ = web;

        var duplicate = await Assert.ThrowsAsync<RpcException>(() => PutAsync(host, new PutConfigRequest { Target = new ConfigTarget { AgentId = agent.AgentId }, Document = "a: 1\n" }));
        Assert.Equal(StatusCode.AlreadyExists, duplicate.StatusCode);
    }

    [Fact]
    public async Task GetEffectiveConfig_AgentReportsStatus_AppliedAndRejectionShown()
    {
        await using var host = await StartAsync();
        var token = await Enroll.CreateTokenAsync(host.Client);
        var agent = await Enroll.AgentAsync(host.Client, token.Secret);
        var config = await PutAsync(host, new PutConfigRequest { Target = new ConfigTarget { AgentId = agent.AgentId }, Document = "a: 1\n" });
        await Report(host, agent.AgentId, 1, new ConfigStatus { Version = config.Version, Applied = true });
        var next = await PutAsync(host, new PutConfigRequest { ConfigId = config.ConfigId, BaseVersion = config.Version, Document = "a: nonsense\n" });
        await Report(host, agent.AgentId, 2, new ConfigStatus { Version = next.Version, Applied = false, RejectionReason = "a must be a number" });

        var effective = await host.Client.GetEffectiveConfigAsync(new GetEffectiveConfigRequest { AgentId = agent.AgentId }).ResponseAsync.WaitAsync(TestTimeouts.Call);
        Assert.Equal(next.Version, effective.Status.Version);
        Assert.False(effective.Status.Applied);
        Assert.Equal("a must be a number", effective.Status.RejectionReason);
        var agentNow = await host.Client.GetAgentAsync(new GetAgentRequest { AgentId = agent.AgentId }).ResponseAsync.WaitAsync(TestTimeouts.Call);
        Assert.Equal(config.Version, agentNow.Agent.AppliedConfigVersion);
    }

    [Fact]
    public async Task WatchConfigChanges_PutConfig_TargetAndVersionStreamed()
    {
        await using var host = await StartAsync();
        using var cts = new CancellationTokenSource(TestTimeouts.Call);
        using var watch = host.Client.WatchConfigChanges(new WatchConfigChangesRequest(), cancellationToken: cts.Token);
        // The server subscribes some time after the call starts: keep changing the config until the watch sees one.
        ConfigVersion? put = null;
        var moved = watch.ResponseStream.MoveNext(cts.Token);
        for (var attempt = 0; attempt < 50 && !moved.IsCompleted; attempt++)
        {
            put = await PutAsync(host, put is null
                ? new PutConfigRequest { Target = new ConfigTarget { LabelSelector = "role=db" }, Document = "a: 1\n" }
                : new PutConfigRequest { ConfigId = put.ConfigId, BaseVersion = put.Version, Document = $"a: {attempt}\n" });
            await Task.WhenAny(moved, Task.Delay(100));
        }

        Assert.True(await moved.WaitAsync(TestTimeouts.Call));
        Assert.Equal("role=db", watch.ResponseStream.Current.Target.LabelSelector);
        Assert.True(watch.ResponseStream.Current.Version > 0);
    }

    private static Task Report(AssetTestHost host, string agentId, ulong sequence, ConfigStatus status) =>
        host.Client.RecordAgentReportsAsync(new RecordAgentReportsRequest { AgentId = agentId, Reports = { new ConnectRequest { Sequence = sequence, ConfigStatus = status } } }).ResponseAsync.WaitAsync(TestTimeouts.Call);
}
