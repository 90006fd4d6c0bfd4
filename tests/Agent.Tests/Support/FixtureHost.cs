using SentinelSync.Agent.Collectors;
using SentinelSync.Agent.Collectors.Platform;

namespace SentinelSync.Agent.Tests.Support;

/// <summary>
/// A copy of <c>Fixtures/host</c> (proc, sys, etc) in a temp directory, with fixed statvfs answers,
/// fixed interface addresses and manual time: a whole host the collectors can read.
/// </summary>
internal sealed class FixtureHost : IDisposable
{
    public const string AgentVersion = "0.0.0-fixture";

    private readonly TempDirectory _root = new();

    public FixtureHost()
    {
        Copy(Path.Combine(FixturesDirectory, "host"), _root.Path);
        Environment = new CollectorEnvironment(
            new HostPaths(Path.Combine(_root.Path, "proc"), Path.Combine(_root.Path, "sys"), Path.Combine(_root.Path, "etc")),
            new FixedFileSystemSpace(new Dictionary<string, FileSystemSpace>
            {
                ["/"] = new(TotalBytes: 52_710_469_632, FreeBytes: 31_044_612_096, AvailableBytes: 28_348_784_640),
                ["/boot/efi"] = new(TotalBytes: 129_718_272, FreeBytes: 123_072_512, AvailableBytes: 123_072_512),
                ["/srv/data"] = new(TotalBytes: 2_000_263_573_504, FreeBytes: 700_092_250_112, AvailableBytes: 700_092_250_112),
                ["/srv/shared files"] = new(TotalBytes: 2_000_263_573_504, FreeBytes: 700_092_250_112, AvailableBytes: 700_092_250_112),
                ["/mnt/backup"] = new(TotalBytes: 4_000_787_030_016, FreeBytes: 1_200_236_109_004, AvailableBytes: 1_200_236_109_004),
            }),
            new FixedInterfaceAddresses(new Dictionary<string, IReadOnlyList<string>>
            {
                ["lo"] = ["127.0.0.1/8", "::1/128"],
                ["eth0"] = ["203.0.113.10/24", "fe80::5054:ff:fe8a:3c11/64", "2001:db8::10/64"],
                ["docker0"] = ["172.17.0.1/16"],
            }),
            Time,
            AgentVersion);
    }

    public static string FixturesDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "Fixtures");

    public string Root => _root.Path;

    public ManualTimeProvider Time { get; } = new();

    public CollectorEnvironment Environment { get; }

    /// <summary>Copies a second fixture tree (e.g. <c>host-after-10s</c>) over this host's files.</summary>
    public void Apply(string overlay) => Copy(Path.Combine(FixturesDirectory, overlay), _root.Path);

    public void Dispose() => _root.Dispose();

    private static void Copy(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }
}
