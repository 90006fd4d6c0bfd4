using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using SentinelSync.Contracts.Agent.V1;
using SentinelSync.Contracts.Asset.V1;
using SentinelSync.Testing;
using AgentInventory = SentinelSync.Contracts.Agent.V1.Inventory;

namespace SentinelSync.Asset.Tests;

/// <summary>Inventory through the service: RecordAgentReports in, GetInventory and ListInventoryChanges out.</summary>
[Collection(PostgresCollection.Name)]
public sealed class InventoryGrpcTests(PostgresFixture postgres)
{
    [Fact]
    public async Task RecordAgentReports_FullThenDeltaThenReplay_InventoryMergedAndEachChangeOnce()
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Start);
        await using var host = await AssetTestHost.StartAsync(await postgres.CreateDatabaseAsync(timeout.Token), AssetTestHost.NewCaKey());
        var token = await Enroll.CreateTokenAsync(host.Client);
        var agentId = (await Enroll.AgentAsync(host.Client, token.Secret)).AgentId;
        var now = host.Clock.GetUtcNow();
        var delta = new InventoryReport
        {
            Full = false,
            Inventory = new AgentInventory { Memory = new Memory { TotalBytes = 16UL << 30, SwapTotalBytes = 2UL << 30 } },
            CollectedAt = Timestamp.FromDateTimeOffset(now),
            ChangedSections = { "memory", "disks" },
        };
        var reports = new RecordAgentReportsRequest
        {
            AgentId = agentId,
            Reports =
            {
                new ConnectRequest { Sequence = 1, Inventory = new InventoryReport { Full = true, Inventory = InventoryTestData.Host(), CollectedAt = Timestamp.FromDateTimeOffset(now.AddMinutes(-5)) } },
                new ConnectRequest { Sequence = 2, Inventory = delta },
            },
        };

        Assert.Equal(2UL, (await host.Client.RecordAgentReportsAsync(reports).ResponseAsync.WaitAsync(TestTimeouts.Call)).CommittedSequence);
        Assert.Equal(2UL, (await host.Client.RecordAgentReportsAsync(reports).ResponseAsync.WaitAsync(TestTimeouts.Call)).CommittedSequence);

        var inventory = await host.Client.GetInventoryAsync(new GetInventoryRequest { AgentId = agentId }).ResponseAsync.WaitAsync(TestTimeouts.Call);
        Assert.Equal(16UL << 30, inventory.Inventory.Memory.TotalBytes);
        Assert.Empty(inventory.Inventory.Disks);
        Assert.Equal("web-1", inventory.Inventory.Hostname);
        Assert.Equal(Timestamp.FromDateTimeOffset(now), inventory.CollectedAt);

        var first = await host.Client.ListInventoryChangesAsync(new ListInventoryChangesRequest { AgentId = agentId, PageSize = 2 }).ResponseAsync.WaitAsync(TestTimeouts.Call);
        var second = await host.Client.ListInventoryChangesAsync(new ListInventoryChangesRequest { AgentId = agentId, PageSize = 2, PageToken = first.NextPageToken }).ResponseAsync.WaitAsync(TestTimeouts.Call);
        Assert.Equal(
            ["disks[sda]", "disks[sdb]", "memory.total_bytes"],
            first.Changes.Concat(second.Changes).Select(change => change.Path).Order(StringComparer.Ordinal));
        Assert.Empty(second.NextPageToken);
    }

    [Fact]
    public async Task GetInventory_UnknownAgent_NotFoundOverTheWire()
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Start);
        await using var host = await AssetTestHost.StartAsync(await postgres.CreateDatabaseAsync(timeout.Token), AssetTestHost.NewCaKey());

        var error = await Assert.ThrowsAsync<RpcException>(() => host.Client.GetInventoryAsync(new GetInventoryRequest { AgentId = "no-such-agent" }).ResponseAsync.WaitAsync(TestTimeouts.Call));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Contains("no-such-agent", error.Status.Detail, StringComparison.Ordinal);
    }
}
