using SentinelSync.Contracts.Agent.V1;
using AgentInventory = SentinelSync.Contracts.Agent.V1.Inventory;

namespace SentinelSync.Asset.Tests;

/// <summary>A small, complete host inventory for the inventory tests.</summary>
internal static class InventoryTestData
{
    public static AgentInventory Host() => new()
    {
        Hostname = "web-1",
        AgentVersion = "1.0.0",
        Os = new SentinelSync.Contracts.Agent.V1.OperatingSystem { Id = "debian", PrettyName = "Debian GNU/Linux 12 (bookworm)", Version = "12", KernelRelease = "6.1.0-27-amd64", Architecture = "x86_64" },
        Cpu = new Cpu { Model = "Intel(R) Xeon(R)", LogicalCores = 4, PhysicalCores = 2 },
        Memory = new Memory { TotalBytes = 8UL << 30, SwapTotalBytes = 2UL << 30 },
        Disks =
        {
            new Disk { Name = "sda", SizeBytes = 100UL << 30, Rotational = false },
            new Disk { Name = "sdb", SizeBytes = 2000UL << 30, Rotational = true },
        },
        Mounts = { new Mount { MountPoint = "/", Device = "/dev/sda1", FsType = "ext4", SizeBytes = 90UL << 30 } },
        Interfaces =
        {
            new NetworkInterface { Name = "lo", MacAddress = "00:00:00:00:00:00", Addresses = { "127.0.0.1/8" }, Mtu = 65536, Up = true },
            new NetworkInterface { Name = "eth0", MacAddress = "52:54:00:00:00:01", Addresses = { "10.0.0.5/24" }, Mtu = 1500, Up = true },
        },
    };
}
