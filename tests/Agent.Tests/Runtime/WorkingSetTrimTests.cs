using System.Text;
using SentinelSync.Agent.Runtime;

namespace SentinelSync.Agent.Tests.Runtime;

public sealed class WorkingSetTrimTests
{
    private const string Executable = "/usr/local/bin/sentinel-agent";

    [Fact]
    public void Trim_OnlyCleanReadOnlyMappingsOfTheExecutable_AreAdvised()
    {
        var smaps = $"""
            55caa9000000-55caa9100000 r--p 00000000 fe:00 1234                       {Executable}
            Size:               1024 kB
            Anonymous:             0 kB
            55caa9100000-55caa9300000 r-xp 00100000 fe:00 1234                       {Executable}
            Size:               2048 kB
            Anonymous:             0 kB
            55caa9300000-55caa9310000 r--p 00300000 fe:00 1234                       {Executable}
            Size:                 64 kB
            Anonymous:             8 kB
            55caa9310000-55caa9320000 rw-p 00310000 fe:00 1234                       {Executable}
            Size:                 64 kB
            Anonymous:             0 kB
            7f0000000000-7f0000100000 r-xp 00000000 fe:00 99                         /usr/lib/x86_64-linux-gnu/libc.so.6
            Size:               1024 kB
            Anonymous:             0 kB
            7f0000200000-7f0000300000 r--p 00000000 00:00 0
            Size:               1024 kB
            Anonymous:             0 kB
            """;
        var advised = new List<(nint Start, nuint Length)>();

        var bytes = WorkingSetTrim.Trim(Encoding.ASCII.GetBytes(smaps), Encoding.UTF8.GetBytes(Executable), (start, length) =>
        {
            advised.Add((start, length));
            return true;
        });

        // The read-only data and code of the binary: not the mapping with private (relocated) pages, not the
        // writable one, not libc, not anonymous memory.
        Assert.Equal([(unchecked((nint)0x55caa9000000), (nuint)0x100000), (unchecked((nint)0x55caa9100000), (nuint)0x200000)], advised);
        Assert.Equal(0x300000, bytes);
    }

    [Fact]
    public void Trim_AdviceRefused_NotCounted()
    {
        var smaps = $"""
            55caa9000000-55caa9100000 r--p 00000000 fe:00 1234                       {Executable}
            Anonymous:             0 kB
            """;

        Assert.Equal(0, WorkingSetTrim.Trim(Encoding.ASCII.GetBytes(smaps), Encoding.UTF8.GetBytes(Executable), (_, _) => false));
    }
}
