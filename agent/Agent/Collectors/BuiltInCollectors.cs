using Microsoft.Extensions.Logging;
using SentinelSync.Agent.Collectors.InventorySections;
using SentinelSync.Agent.Collectors.Metrics;

namespace SentinelSync.Agent.Collectors;

/// <summary>The agent's collectors, registered by name.</summary>
internal static class BuiltInCollectors
{
    /// <summary>Every qualified collector name, for validating <c>collectors.disabled</c>.</summary>
    public static IReadOnlyList<string> QualifiedNames { get; } = ListNames();

    public static IReadOnlyList<IInventoryCollector> Inventory(CollectorEnvironment environment) =>
    [
        new OperatingSystemCollector(environment.Paths),
        new HostnameCollector(environment.Paths),
        new CpuCollector(environment.Paths),
        new MemoryCollector(environment.Paths),
        new DiskCollector(environment.Paths),
        new MountCollector(environment.Paths, environment.FileSystemSpace),
        new NetworkInterfaceCollector(environment.Paths, environment.InterfaceAddresses),
        new BootTimeCollector(environment.Paths, environment.TimeProvider),
        new AgentVersionCollector(environment.AgentVersion),
    ];

    public static IReadOnlyList<IMetricCollector> Metrics(CollectorEnvironment environment) =>
    [
        new CpuUsageCollector(environment.Paths),
        new LoadAverageCollector(environment.Paths),
        new MemoryUsageCollector(environment.Paths),
        new FileSystemUsageCollector(environment.Paths, environment.FileSystemSpace),
        new DiskIoCollector(environment.Paths, environment.TimeProvider),
        new NetworkIoCollector(environment.Paths, environment.TimeProvider),
    ];

    /// <summary>A host over every built-in collector less the disabled ones.</summary>
    public static CollectorHost CreateHost(CollectorEnvironment environment, IEnumerable<string> disabled, ILoggerFactory loggerFactory) =>
        new(Inventory(environment), Metrics(environment), disabled, environment.TimeProvider, loggerFactory.CreateLogger<CollectorHost>());

    private static List<string> ListNames()
    {
        var environment = CollectorEnvironment.Live(new CollectorOptions());
        return Inventory(environment).Select(c => CollectorHost.InventoryPrefix + c.Name)
            .Concat(Metrics(environment).Select(c => CollectorHost.MetricsPrefix + c.Name))
            .ToList();
    }
}
