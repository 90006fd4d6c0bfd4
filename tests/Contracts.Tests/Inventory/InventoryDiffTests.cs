using Google.Protobuf.WellKnownTypes;
using SentinelSync.Contracts.Agent.V1;
using SentinelSync.Contracts.Inventory;

namespace SentinelSync.Contracts.Tests.Inventory;

/// <summary>The one inventory diff the agent (deltas) and the Asset service (change events) share.</summary>
public sealed class InventoryDiffTests
{
    [Fact]
    public void Compare_EqualInventories_FindsNoChange()
    {
        Assert.Empty(InventoryDiff.Compare(Sample(), Sample()));
    }

    [Fact]
    public void Compare_MemoryTotalChanged_ReportsTheLeafPathWithBothValues()
    {
        var current = Sample();
        current.Memory.TotalBytes = 16UL << 30;

        var change = Assert.Single(InventoryDiff.Compare(Sample(), current));

        Assert.Equal(new InventoryFieldChange("memory.total_bytes", (8UL << 30).ToString(), (16UL << 30).ToString()), change);
    }

    [Fact]
    public void Compare_AddressAddedToInterface_ReportsTheInterfacesAddresses()
    {
        var current = Sample();
        current.Interfaces[0].Addresses.Add("2001:db8::10/64");

        var change = Assert.Single(InventoryDiff.Compare(Sample(), current));

        Assert.Equal("interfaces[eth0].addresses", change.Path);
        Assert.Equal("[203.0.113.10/24]", change.OldValue);
        Assert.Equal("[203.0.113.10/24, 2001:db8::10/64]", change.NewValue);
    }

    [Fact]
    public void Compare_DiskReplaced_ReportsRemovedAndAddedElements()
    {
        var current = Sample();
        current.Disks.Clear();
        current.Disks.Add(new Disk { Name = "nvme0n1", SizeBytes = 512UL << 30 });

        var changes = InventoryDiff.Compare(Sample(), current);

        Assert.Equal(["disks[sda]", "disks[nvme0n1]"], changes.Select(c => c.Path));
        Assert.Null(changes[0].NewValue);
        Assert.Contains("\"rotational\": true", changes[0].OldValue, StringComparison.Ordinal);
        Assert.Null(changes[1].OldValue);
        Assert.Contains("\"name\": \"nvme0n1\"", changes[1].NewValue, StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_ElementsReordered_FindsNoChange()
    {
        var previous = Sample();
        previous.Interfaces.Add(new NetworkInterface { Name = "lo", Mtu = 65536, Up = true });
        var current = Sample();
        current.Interfaces.Insert(0, new NetworkInterface { Name = "lo", Mtu = 65536, Up = true });

        Assert.Empty(InventoryDiff.Compare(previous, current));
    }

    [Fact]
    public void Compare_MountResizedAndInterfaceDown_ReportsKeyedPaths()
    {
        var current = Sample();
        current.Mounts[0].SizeBytes += 1024;
        current.Interfaces[0].Up = false;

        var changes = InventoryDiff.Compare(Sample(), current);

        Assert.Equal(
            [new InventoryFieldChange("mounts[/srv/data].size_bytes", "1000000", "1001024"), new InventoryFieldChange("interfaces[eth0].up", "true", "false")],
            changes);
    }

    [Fact]
    public void Compare_SectionAppearsAndScalarsChange_ReportsSectionAndScalars()
    {
        var previous = Sample();
        previous.Os = null;
        var current = Sample();
        current.BootTime = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero));
        current.AgentVersion = "0.2.0";

        var changes = InventoryDiff.Compare(previous, current);

        Assert.Equal(["os", "agent_version", "boot_time"], changes.Select(c => c.Path));
        Assert.Null(changes[0].OldValue);
        Assert.Equal(("0.1.0", "0.2.0"), (changes[1].OldValue, changes[1].NewValue));
        Assert.Equal(("2026-11-22T08:00:00Z", "2026-11-22T09:00:00Z"), (changes[2].OldValue, changes[2].NewValue));
    }

    [Fact]
    public void Compare_SectionRemovedAndElementAdded_PathsNameTheSectionAndTheElementByKey()
    {
        var current = Sample();
        current.Cpu = null;
        current.Disks.Add(new Disk { Name = "nvme0n1", SizeBytes = 1 });

        var changes = InventoryDiff.Compare(Sample(), current);

        Assert.Equal(
            [
                new InventoryFieldChange("cpu", "{ \"model\": \"Xeon\", \"logicalCores\": 4, \"physicalCores\": 2 }", null),
                new InventoryFieldChange("disks[nvme0n1]", null, "{ \"name\": \"nvme0n1\", \"sizeBytes\": \"1\" }"),
            ],
            changes);
    }

    [Fact]
    public void Delta_InterfacesAndMemoryChanged_HoldsOnlyThoseSectionsComplete()
    {
        var current = Sample();
        current.Interfaces[0].Mtu = 9000;
        current.Memory.SwapTotalBytes = 1;

        var delta = InventoryDiff.Delta(current, InventoryDiff.Compare(Sample(), current));

        var expected = new SentinelSync.Contracts.Agent.V1.Inventory { Memory = current.Memory.Clone() };
        expected.Interfaces.Add(current.Interfaces);
        Assert.Equal(expected, delta);
        current.Interfaces[0].Mtu = 1;
        Assert.Equal(9000, delta.Interfaces[0].Mtu);
    }

    private static SentinelSync.Contracts.Agent.V1.Inventory Sample()
    {
        var inventory = new SentinelSync.Contracts.Agent.V1.Inventory
        {
            Os = new SentinelSync.Contracts.Agent.V1.OperatingSystem { Id = "debian", KernelRelease = "6.1.0-28-amd64" },
            Cpu = new Cpu { Model = "Xeon", LogicalCores = 4, PhysicalCores = 2 },
            Memory = new Memory { TotalBytes = 8UL << 30 },
            Hostname = "web-01",
            AgentVersion = "0.1.0",
            BootTime = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 11, 22, 8, 0, 0, TimeSpan.Zero)),
        };
        inventory.Disks.Add(new Disk { Name = "sda", SizeBytes = 2UL << 40, Rotational = true });
        inventory.Mounts.Add(new Mount { MountPoint = "/srv/data", Device = "/dev/sda1", FsType = "xfs", SizeBytes = 1_000_000 });
        var eth0 = new NetworkInterface { Name = "eth0", MacAddress = "52:54:00:8a:3c:11", Mtu = 1500, Up = true };
        eth0.Addresses.Add("203.0.113.10/24");
        inventory.Interfaces.Add(eth0);
        return inventory;
    }
}
