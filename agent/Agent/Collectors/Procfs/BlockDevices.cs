namespace SentinelSync.Agent.Collectors.Procfs;

/// <summary>The whole-disk block devices under <c>/sys/block</c>, without loop, RAM and zram devices.</summary>
internal static class BlockDevices
{
    private static readonly string[] VirtualPrefixes = ["loop", "ram", "zram"];

    public static IReadOnlyList<string> List(HostPaths paths)
    {
        var root = paths.Sys("block");
        if (!Directory.Exists(root))
        {
            return [];
        }

        return Directory.EnumerateDirectories(root)
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(IsPhysical)
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    public static bool IsPhysical(string name) =>
        !VirtualPrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.Ordinal));
}
