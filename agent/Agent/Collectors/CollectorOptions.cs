namespace SentinelSync.Agent.Collectors;

/// <summary>Where the collectors read the host from, how often they run, and which are switched off.</summary>
internal sealed class CollectorOptions
{
    /// <summary>The procfs root; tests point it at a fixture tree. Default <c>/proc</c>.</summary>
    public string ProcRoot { get; set; } = "/proc";

    /// <summary>The sysfs root; tests point it at a fixture tree. Default <c>/sys</c>.</summary>
    public string SysRoot { get; set; } = "/sys";

    /// <summary>Where <c>os-release</c> and <c>hostname</c> are read from. Default <c>/etc</c>.</summary>
    public string EtcRoot { get; set; } = "/etc";

    /// <summary>Collectors switched off, by qualified name: <c>inventory.disks</c>, <c>metrics.netdev</c>.</summary>
    public IList<string> Disabled { get; } = new List<string>();

    /// <summary>How often the inventory is collected (a delta is sent only when it changed). Default 5 minutes.</summary>
    public TimeSpan InventoryInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often a metric batch is collected. Default 10 seconds.</summary>
    public TimeSpan MetricsInterval { get; set; } = TimeSpan.FromSeconds(10);
}
