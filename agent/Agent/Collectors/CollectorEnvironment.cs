using SentinelSync.Agent.Collectors.Platform;

namespace SentinelSync.Agent.Collectors;

/// <summary>What the built-in collectors read the host through; tests swap every part for a fixture.</summary>
internal sealed record CollectorEnvironment(
    HostPaths Paths,
    IFileSystemSpace FileSystemSpace,
    IInterfaceAddressSource InterfaceAddresses,
    TimeProvider TimeProvider,
    string AgentVersion)
{
    /// <summary>The running host, read under the configured roots.</summary>
    public static CollectorEnvironment Live(CollectorOptions options) => new(
        HostPaths.From(options),
        StatvfsFileSystemSpace.Instance,
        SystemInterfaceAddressSource.Instance,
        TimeProvider.System,
        Agent.AgentVersion.Current);
}
