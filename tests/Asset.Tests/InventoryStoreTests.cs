using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using SentinelSync.Contracts.Agent.V1;
using SentinelSync.Contracts.Asset.V1;
using SentinelSync.Testing;
using AgentInventory = SentinelSync.Contracts.Agent.V1.Inventory;

namespace SentinelSync.Asset.Tests;

[Collection(PostgresCollection.Name)]
public sealed class InventoryStoreTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private readonly PostgresFixture _postgres;

    public InventoryStoreTests(PostgresFixture postgres) => _postgres = postgres;

    [Fact]
    public async Task ApplyAsync_FullThenDelta_MergesSectionsAndRecordsChangesByPath()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var db = await MetricTestDatabase.CreateAsync(_postgres, new FakeClock(Now), cts.Token);
        var agent = await db.AddAgentAsync(cts.Token);
        await db.ApplyAsync(agent, Full(InventoryTestData.Host(), Now.AddHours(-1)), cts.Token);

        var delta = new AgentInventory { Memory = new Memory { TotalBytes = 16UL << 30 } };
        delta.Interfaces.Add(new NetworkInterface { Name = "eth0", MacAddress = "52:54:00:00:00:01", Addresses = { "10.0.0.5/24", "10.0.0.6/24" }, Mtu = 1500, Up = true });
        await db.ApplyAsync(agent, Delta(delta, Now, "memory", "interfaces"), cts.Token);

        var current = await db.Inventory.GetAsync(agent, cts.Token);
        Assert.Equal(16UL << 30, current.Inventory.Memory.TotalBytes);
        Assert.Equal(["10.0.0.5/24", "10.0.0.6/24"], current.Inventory.Interfaces.Single().Addresses);
        Assert.Equal("Debian GNU/Linux 12 (bookworm)", current.Inventory.Os.PrettyName);
        Assert.Equal(2, current.Inventory.Disks.Count);
        Assert.Equal(Timestamp.FromDateTimeOffset(Now), current.CollectedAt);

        var changes = await db.Inventory.ListChangesAsync(new ListInventoryChangesRequest { AgentId = agent }, cts.Token);
        Assert.Equal(
            [
                ("interfaces[eth0].addresses", "[10.0.0.5/24]", "[10.0.0.5/24, 10.0.0.6/24]"),
                ("interfaces[lo]", "{ \"name\": \"lo\", \"macAddress\": \"00:00:00:00:00:00\", \"addresses\": [ \"127.0.0.1/8\" ], \"mtu\": 65536, \"up\": true }", string.Empty),
                ("memory.swap_total_bytes", "2147483648", "0"),
                ("memory.total_bytes", "8589934592", "17179869184"),
            ],
            changes.Changes.Select(change => (change.Path, change.OldValue, change.NewValue)).Order());
        Assert.All(changes.Changes, change => Assert.Equal(Timestamp.FromDateTimeOffset(Now), change.ChangedAt));
        Assert.Empty(changes.NextPageToken);
    }

    [Fact]
    public async Task ApplyAsync_DeltaEmptiesASection_RecordsEveryRemovedElement()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var db = await MetricTestDatabase.CreateAsync(_postgres, new FakeClock(Now), cts.Token);
        var agent = await db.AddAgentAsync(cts.Token);
        await db.ApplyAsync(agent, Full(InventoryTestData.Host(), Now.AddHours(-1)), cts.Token);

        await db.ApplyAsync(agent, Delta(new AgentInventory(), Now, "disks"), cts.Token);

        Assert.Empty((await db.Inventory.GetAsync(agent, cts.Token)).Inventory.Disks);
        var changes = await db.Inventory.ListChangesAsync(new ListInventoryChangesRequest { AgentId = agent }, cts.Token);
        Assert.Equal(["disks[sda]", "disks[sdb]"], changes.Changes.Select(change => change.Path).Order(StringComparer.Ordinal));
        Assert.All(changes.Changes, change =>
        {
            Assert.Contains("\"sizeBytes\"", change.OldValue, StringComparison.Ordinal);
            Assert.Empty(change.NewValue);
        });
    }

    [Fact]
    public async Task ApplyAsync_FirstInventoryAndUnchangedFullReport_RecordNoChange()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var db = await MetricTestDatabase.CreateAsync(_postgres, new FakeClock(Now), cts.Token);
        var agent = await db.AddAgentAsync(cts.Token);

        await db.ApplyAsync(agent, Full(InventoryTestData.Host(), Now.AddHours(-1)), cts.Token);
        await db.ApplyAsync(agent, Full(InventoryTestData.Host(), Now), cts.Token);

        Assert.Empty((await db.Inventory.ListChangesAsync(new ListInventoryChangesRequest { AgentId = agent }, cts.Token)).Changes);
        Assert.Equal(Timestamp.FromDateTimeOffset(Now), (await db.Inventory.GetAsync(agent, cts.Token)).CollectedAt);
    }

    [Fact]
    public async Task ApplyAsync_CallerRollsBack_LeavesInventoryAndHistoryUntouched()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var db = await MetricTestDatabase.CreateAsync(_postgres, new FakeClock(Now), cts.Token);
        var agent = await db.AddAgentAsync(cts.Token);
        await db.ApplyAsync(agent, Full(InventoryTestData.Host(), Now.AddHours(-1)), cts.Token);

        await using (var connection = await db.DataSource.OpenConnectionAsync(cts.Token))
        {
            await using var transaction = await connection.BeginTransactionAsync(cts.Token);
            await db.Inventory.ApplyAsync(connection, agent, Delta(new AgentInventory { Hostname = "renamed" }, Now, "hostname"), cts.Token);
            await transaction.RollbackAsync(cts.Token);
        }

        Assert.Equal("web-1", (await db.Inventory.GetAsync(agent, cts.Token)).Inventory.Hostname);
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM asset.inventory_changes", cts.Token));
    }

    [Fact]
    public async Task ListChangesAsync_PagesOfTen_NewestFirstWithoutGapOrRepeat()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var clock = new FakeClock(Now);
        await using var db = await MetricTestDatabase.CreateAsync(_postgres, clock, cts.Token);
        var agent = await db.AddAgentAsync(cts.Token);
        await db.ApplyAsync(agent, Full(InventoryTestData.Host(), Now.AddHours(-1)), cts.Token);

        // 25 reports, each changing the hostname; reports 0-4 share one collection time.
        for (var i = 0; i < 25; i++)
        {
            await db.ApplyAsync(agent, Delta(new AgentInventory { Hostname = $"host-{i}" }, Now.AddMinutes(Math.Max(i, 4)), "hostname"), cts.Token);
        }

        var pages = new List<ListInventoryChangesResponse>();
        var token = string.Empty;
        do
        {
            var page = await db.Inventory.ListChangesAsync(new ListInventoryChangesRequest { AgentId = agent, PageSize = 10, PageToken = token }, cts.Token);
            pages.Add(page);
            token = page.NextPageToken;
        }
        while (token.Length > 0 && pages.Count < 10);

        Assert.Equal([10, 10, 5], pages.Select(page => page.Changes.Count));
        Assert.Equal(Enumerable.Range(0, 25).Reverse().Select(i => $"host-{i}"), pages.SelectMany(page => page.Changes).Select(change => change.NewValue));
    }

    [Fact]
    public async Task ListChangesAsync_ForeignOrMalformedToken_InvalidArgument()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var db = await MetricTestDatabase.CreateAsync(_postgres, new FakeClock(Now), cts.Token);
        var first = await db.AddAgentAsync(cts.Token);
        var second = await db.AddAgentAsync(cts.Token);
        await db.ApplyAsync(first, Full(InventoryTestData.Host(), Now.AddHours(-1)), cts.Token);
        await db.ApplyAsync(first, Delta(new AgentInventory { Hostname = "a" }, Now, "hostname"), cts.Token);
        await db.ApplyAsync(first, Delta(new AgentInventory { Hostname = "b" }, Now.AddMinutes(1), "hostname"), cts.Token);
        var token = (await db.Inventory.ListChangesAsync(new ListInventoryChangesRequest { AgentId = first, PageSize = 1 }, cts.Token)).NextPageToken;
        Assert.NotEmpty(token);

        var foreign = await Assert.ThrowsAsync<RpcException>(() => db.Inventory.ListChangesAsync(new ListInventoryChangesRequest { AgentId = second, PageToken = token }, cts.Token));
        var malformed = await Assert.ThrowsAsync<RpcException>(() => db.Inventory.ListChangesAsync(new ListInventoryChangesRequest { AgentId = first, PageToken = "not a token" }, cts.Token));
        var negative = await Assert.ThrowsAsync<RpcException>(() => db.Inventory.ListChangesAsync(new ListInventoryChangesRequest { AgentId = first, PageSize = -1 }, cts.Token));

        Assert.All([foreign, malformed, negative], error => Assert.Equal(StatusCode.InvalidArgument, error.StatusCode));
        Assert.Contains("page_token", foreign.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("page_size", negative.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAsync_UnknownAgentOrNoInventoryYet_NotFoundOrEmpty()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var db = await MetricTestDatabase.CreateAsync(_postgres, new FakeClock(Now), cts.Token);
        var agent = await db.AddAgentAsync(cts.Token);

        var unknown = await Assert.ThrowsAsync<RpcException>(() => db.Inventory.GetAsync("no-such-agent", cts.Token));
        var changes = await Assert.ThrowsAsync<RpcException>(() => db.Inventory.ListChangesAsync(new ListInventoryChangesRequest { AgentId = "no-such-agent" }, cts.Token));
        var empty = await db.Inventory.GetAsync(agent, cts.Token);

        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(StatusCode.NotFound, changes.StatusCode);
        Assert.Null(empty.Inventory);
        Assert.Null(empty.CollectedAt);
    }

    private static InventoryReport Full(AgentInventory inventory, DateTimeOffset collectedAt) => new()
    {
        Full = true,
        Inventory = inventory,
        CollectedAt = Timestamp.FromDateTimeOffset(collectedAt),
    };

    private static InventoryReport Delta(AgentInventory inventory, DateTimeOffset collectedAt, params string[] sections) => new()
    {
        Full = false,
        Inventory = inventory,
        CollectedAt = Timestamp.FromDateTimeOffset(collectedAt),
        ChangedSections = { sections },
    };
}
