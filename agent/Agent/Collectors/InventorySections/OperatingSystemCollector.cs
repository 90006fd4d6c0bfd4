using System.Runtime.InteropServices;
using SentinelSync.Agent.Collectors.Procfs;
using SentinelSync.Contracts.Agent.V1;
using OperatingSystem = SentinelSync.Contracts.Agent.V1.OperatingSystem;

namespace SentinelSync.Agent.Collectors.InventorySections;

/// <summary>The distribution from <c>/etc/os-release</c>, the kernel release and the machine architecture.</summary>
internal sealed class OperatingSystemCollector(HostPaths paths) : IInventoryCollector
{
    public string Name => "os";

    public void Collect(Inventory inventory, CancellationToken cancellationToken)
    {
        var release = OsRelease.Parse(File.ReadAllText(paths.Etc("os-release")));
        inventory.Os = new OperatingSystem
        {
            Id = release.GetValueOrDefault("ID", string.Empty),
            PrettyName = release.GetValueOrDefault("PRETTY_NAME", string.Empty),
            Version = release.GetValueOrDefault("VERSION_ID", string.Empty),
            KernelRelease = File.ReadAllText(paths.Proc("sys/kernel/osrelease")).Trim(),
            Architecture = ReadArchitecture(),
        };
    }

    private string ReadArchitecture()
    {
        // /proc/sys/kernel/arch (Linux 6.1+) is uname -m; older kernels fall back to what .NET reports.
        var arch = paths.Proc("sys/kernel/arch");
        if (File.Exists(arch))
        {
            return File.ReadAllText(arch).Trim();
        }

        return RuntimeInformation.OSArchitecture switch
        {
            Architecture.X64 => "x86_64",
            Architecture.Arm64 => "aarch64",
            Architecture.X86 => "i686",
            Architecture.Arm => "armv7l",
            var other => other.ToString().ToLowerInvariant(),
        };
    }
}
