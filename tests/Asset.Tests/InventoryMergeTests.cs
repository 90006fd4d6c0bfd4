using SentinelSync.Asset.Inventory;
using SentinelSync.Contracts.Agent.V1;
using AgentInventory = SentinelSync.Contracts.Agent.V1.Inventory;
using SentinelSync.Contracts.Inventory;

namespace SentinelSync.Asset.Tests;

/// <summary>Inventory deltas merged into the stored inventory (the diff itself is tested in Contracts.Tests).</summary>
public sealed class InventoryMergeTests
{
    [Fact]
    public void Merge_NamedSectionsOnly_ReplacesThemAndKeepsTheRest()
    {
        var delta = new AgentInventory { Hostname = "ignored-not-named", Memory = new Memory { TotalBytes = 1 } };

        var merged = InventorySections.Merge(InventoryTestData.Host(), delta, ["memory", "mounts", "future_section"], out var unknown);

        Assert.Equal(1UL, merged.Memory.TotalBytes);
        Assert.Empty(merged.Mounts);
        Assert.Equal("web-1", merged.Hostname);
        Assert.Equal(2, merged.Disks.Count);
        Assert.Equal(["future_section"], unknown);
    }

    [Fact]
    public void Merge_NoSectionNamed_TakesEverySectionTheDeltaCarries()
    {
        var delta = new AgentInventory { Hostname = "web-2" };

        var merged = InventorySections.Merge(InventoryTestData.Host(), delta, [], out _);

        Assert.Equal("web-2", merged.Hostname);
        Assert.Equal(2, merged.Interfaces.Count);
        Assert.NotNull(merged.Os);
    }
}
