using SentinelSync.Asset.Inventory;
using SentinelSync.Contracts.Agent.V1;
using AgentInventory = SentinelSync.Contracts.Agent.V1.Inventory;
using SentinelSync.Contracts.Inventory;

namespace SentinelSync.Asset.Tests;

public sealed class InventoryDiffTests
{
    [Fact]
    public void Compare_SameInventory_NoChange()
    {
        Assert.Empty(InventoryDiff.Compare(InventoryTestData.Host(), InventoryTestData.Host()));
    }

    [Fact]
    public void Compare_ReorderedInterfaces_NoChange()
    {
        var reordered = InventoryTestData.Host();
        var first = reordered.Interfaces[0];
        reordered.Interfaces.RemoveAt(0);
        reordered.Interfaces.Add(first);

        Assert.Empty(InventoryDiff.Compare(InventoryTestData.Host(), reordered));
    }

    [Fact]
    public void Compare_AddedDiskChangedKernelRemovedOs_PathsNameTheElementByKey()
    {
        var before = InventoryTestData.Host();
        var after = InventoryTestData.Host();
        after.Disks.Add(new Disk { Name = "nvme0n1", SizeBytes = 1 });
        after.Os.KernelRelease = "6.1.0-28-amd64";
        after.Cpu = null;

        var changes = InventoryDiff.Compare(before, after);

        Assert.Equal(
            [
                new InventoryFieldChange("os.kernel_release", "6.1.0-27-amd64", "6.1.0-28-amd64"),
                new InventoryFieldChange("cpu", "{ \"model\": \"Intel(R) Xeon(R)\", \"logicalCores\": 4, \"physicalCores\": 2 }", null),
                new InventoryFieldChange("disks[nvme0n1]", null, "{ \"name\": \"nvme0n1\", \"sizeBytes\": \"1\" }"),
            ],
            changes);
    }

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
