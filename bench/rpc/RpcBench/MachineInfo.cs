using System.Runtime.InteropServices;

namespace SentinelSync.Bench.Rpc;

/// <summary>The machine a result was measured on.</summary>
internal sealed record MachineInfo(string Cpu, int Cores, string Memory, string Os, string Kernel, string Runtime)
{
    public static MachineInfo Describe() => new(
        ProcField("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString(),
        Environment.ProcessorCount,
        ProcField("/proc/meminfo", "MemTotal") is { } total && long.TryParse(total.Split(' ')[0], out var kib)
            ? $"{kib / 1024.0 / 1024.0:0.0} GiB"
            : "unknown",
        OsRelease() ?? RuntimeInformation.OSDescription,
        File.Exists("/proc/sys/kernel/osrelease") ? "Linux " + File.ReadAllText("/proc/sys/kernel/osrelease").Trim() : RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription);

    /// <summary>The 1, 5 and 15 minute load averages: how busy the machine was with other work too.</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static string? ProcField(string file, string name)
    {
        if (!File.Exists(file))
        {
            return null;
        }

        return File.ReadLines(file)
            .Select(line => line.Split(':', 2))
            .Where(parts => parts.Length == 2 && parts[0].Trim() == name)
            .Select(parts => parts[1].Trim())
            .FirstOrDefault();
    }

    private static string? OsRelease() =>
        File.Exists("/etc/os-release")
            ? File.ReadLines("/etc/os-release").Where(line => line.StartsWith("PRETTY_NAME=", StringComparison.Ordinal)).Select(line => line["PRETTY_NAME=".Length..].Trim('"')).FirstOrDefault()
            : null;
}
