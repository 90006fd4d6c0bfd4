using SentinelSync.Agent.Collectors.Procfs;

namespace SentinelSync.Agent.Tests.Collectors;

public sealed class ProcfsParserTests
{
    [Fact]
    public void CpuInfo_Arm64WithoutCoreIds_CountsEveryLogicalCpuAsACore()
    {
        const string text = "processor\t: 0\nBogoMIPS\t: 50.00\nCPU implementer\t: 0x41\n\nprocessor\t: 1\nBogoMIPS\t: 50.00\n\n";

        Assert.Equal(new CpuInfo(string.Empty, 2, 2), CpuInfo.Parse(text));
    }

    [Fact]
    public void CpuInfo_TwoSockets_CountsCoresPerPackage()
    {
        var text = string.Join("\n\n", Enumerable.Range(0, 8).Select(i =>
            $"processor\t: {i}\nmodel name\t: EPYC\nphysical id\t: {i / 4}\ncore id\t\t: {i % 2}"));

        Assert.Equal(new CpuInfo("EPYC", 8, 4), CpuInfo.Parse(text));
    }

    [Fact]
    public void OsRelease_QuotedAndEscapedValues_AreUnquoted()
    {
        var values = OsRelease.Parse("# comment\nNAME='Plain'\nPRETTY_NAME=\"A \\\"quoted\\\" \\$name\"\nID=arch\nBROKEN\n");

        Assert.Equal("Plain", values["NAME"]);
        Assert.Equal("A \"quoted\" $name", values["PRETTY_NAME"]);
        Assert.Equal("arch", values["ID"]);
        Assert.False(values.ContainsKey("BROKEN"));
    }

    [Fact]
    public void MountTable_OctalEscapes_AreDecoded()
    {
        Assert.Equal("/mnt/a b\tc\\d", MountTable.Unescape("/mnt/a\\040b\\011c\\134d"));
        Assert.Equal("/mnt/trailing\\", MountTable.Unescape("/mnt/trailing\\"));
    }

    [Fact]
    public void MountTable_PseudoFileSystemMountedOverARealOne_HidesIt()
    {
        const string text = "/dev/sda1 /data ext4 rw 0 0\ntmpfs /data tmpfs rw 0 0\n/dev/sdb1 /scratch xfs rw 0 0\n";

        Assert.Equal(["/scratch"], MountTable.RealFileSystems(text).Select(m => m.MountPoint));
    }

    [Fact]
    public void InterfaceCounters_ProcNetDev_SkipsHeadersAndReadsBytes()
    {
        const string text = "Inter-|   Receive  |  Transmit\n face |bytes packets|bytes\n  eth0: 100 1 0 0 0 0 0 0 200 2 0 0 0 0 0 0\n";

        Assert.Equal([new InterfaceCounters("eth0", 100, 200)], InterfaceCounters.Parse(text));
    }

    [Fact]
    public void CpuTimes_GuestColumns_AreNotCountedTwice()
    {
        var times = CpuTimes.Parse("cpu  100 0 50 800 50 0 0 0 30 0\ncpu0 100 0 50 800 50 0 0 0 30 0\n");

        Assert.Equal(new CpuTimes(1000, 850), times);
    }

    [Fact]
    public void MemInfo_UnitlessFields_AreNotScaled()
    {
        var values = MemInfo.Parse("MemTotal:       1000 kB\nHugePages_Total:       3\n");

        Assert.Equal((1024_000UL, 3UL), (values["MemTotal"], values["HugePages_Total"]));
    }
}
