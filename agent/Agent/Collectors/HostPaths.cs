namespace SentinelSync.Agent.Collectors;

/// <summary>Resolves procfs, sysfs and /etc paths against the configured roots.</summary>
internal sealed class HostPaths
{
    private readonly string _procRoot;
    private readonly string _sysRoot;
    private readonly string _etcRoot;

    public HostPaths(string procRoot, string sysRoot, string etcRoot)
    {
        _procRoot = procRoot;
        _sysRoot = sysRoot;
        _etcRoot = etcRoot;
    }

    /// <summary>The roots configured in <paramref name="options"/>.</summary>
    public static HostPaths From(CollectorOptions options) => new(options.ProcRoot, options.SysRoot, options.EtcRoot);

    /// <summary>A path under the procfs root, e.g. <c>Proc("net/dev")</c>.</summary>
    public string Proc(string relative) => Path.Combine(_procRoot, relative);

    /// <summary>A path under the sysfs root, e.g. <c>Sys("block")</c>.</summary>
    public string Sys(string relative) => Path.Combine(_sysRoot, relative);

    /// <summary>A path under the /etc root, e.g. <c>Etc("os-release")</c>.</summary>
    public string Etc(string relative) => Path.Combine(_etcRoot, relative);
}
