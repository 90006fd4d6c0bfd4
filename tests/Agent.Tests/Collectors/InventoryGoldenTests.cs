using Microsoft.Extensions.Logging.Abstractions;
using SentinelSync.Agent.Collectors;
using SentinelSync.Agent.Commands;
using SentinelSync.Agent.Tests.Support;

namespace SentinelSync.Agent.Tests.Collectors;

public sealed class InventoryGoldenTests : IDisposable
{
    private readonly FixtureHost _host = new();

    [Fact]
    public void CollectInventory_FixtureHost_MatchesGolden()
    {
        var collection = Collect();

        Assert.All(collection.Reports, report => Assert.True(report.Succeeded, $"{report.Name}: {report.Error}"));
        GoldenFile.AssertMatches("inventory.json", AgentJson.Format(collection.Inventory));
    }

    [Fact]
    public void CollectInventory_FixtureHost_ReadsEverySection()
    {
        var inventory = Collect().Inventory;

        Assert.Equal(("debian", "Debian GNU/Linux 12 (bookworm)", "12", "6.1.0-28-amd64", "x86_64"),
            (inventory.Os.Id, inventory.Os.PrettyName, inventory.Os.Version, inventory.Os.KernelRelease, inventory.Os.Architecture));
        Assert.Equal("web-01.example.internal", inventory.Hostname);
        Assert.Equal(("Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz", 4, 2), (inventory.Cpu.Model, inventory.Cpu.LogicalCores, inventory.Cpu.PhysicalCores));
        Assert.Equal(8148652UL * 1024, inventory.Memory.TotalBytes);
        Assert.Equal(2097148UL * 1024, inventory.Memory.SwapTotalBytes);
        Assert.Equal(FixtureHost.AgentVersion, inventory.AgentVersion);
        Assert.Equal(1795334871, inventory.BootTime.Seconds);
    }

    [Fact]
    public void CollectInventory_FixtureHost_SkipsLoopAndZramDisks()
    {
        var disks = Collect().Inventory.Disks;

        Assert.Equal(["sda", "vda"], disks.Select(d => d.Name));
        Assert.Equal(3907029168UL * 512, disks[0].SizeBytes);
        Assert.True(disks[0].Rotational);
        Assert.False(disks[1].Rotational);
    }

    [Fact]
    public void CollectInventory_FixtureHost_KeepsOnlyRealFileSystems()
    {
        var mounts = Collect().Inventory.Mounts;

        // proc, sysfs, tmpfs, cgroup2, bpf, overlay and the squashfs snap are left out; NFS is kept.
        Assert.Equal(["/", "/boot/efi", "/mnt/backup", "/srv/data", "/srv/shared files"], mounts.Select(m => m.MountPoint));
        Assert.Equal(("/dev/vda1", "ext4", 52_710_469_632UL), (mounts[0].Device, mounts[0].FsType, mounts[0].SizeBytes));
        Assert.Equal("nfs4", mounts[2].FsType);
    }

    [Fact]
    public void CollectInventory_FixtureHost_ReadsInterfacesWithState()
    {
        var interfaces = Collect().Inventory.Interfaces.ToDictionary(i => i.Name);

        Assert.Equal(["docker0", "eth0", "lo"], interfaces.Keys.Order());
        Assert.Equal(("52:54:00:8a:3c:11", 1500, true), (interfaces["eth0"].MacAddress, interfaces["eth0"].Mtu, interfaces["eth0"].Up));
        Assert.Equal(["2001:db8::10/64", "203.0.113.10/24", "fe80::5054:ff:fe8a:3c11/64"], interfaces["eth0"].Addresses);
        Assert.True(interfaces["lo"].Up);
        Assert.False(interfaces["docker0"].Up);
    }

    [Fact]
    public void CollectInventory_NoBtimeInStat_DerivesBootTimeFromUptime()
    {
        var stat = Path.Combine(_host.Root, "proc", "stat");
        File.WriteAllLines(stat, File.ReadAllLines(stat).Where(line => !line.StartsWith("btime", StringComparison.Ordinal)));

        var inventory = Collect().Inventory;

        var expected = ManualTimeProvider.DefaultStart.ToUnixTimeSeconds() - 964512;
        Assert.Equal(expected, inventory.BootTime.Seconds);
    }

    public void Dispose() => _host.Dispose();

    private InventoryCollection Collect() =>
        BuiltInCollectors.CreateHost(_host.Environment, [], NullLoggerFactory.Instance).CollectInventory(CancellationToken.None);
}
