using SentinelSync.Contracts.Agent.V1;

namespace SentinelSync.Agent.Collectors.InventorySections;

/// <summary>The host name the kernel runs with, else the configured one in <c>/etc/hostname</c>.</summary>
internal sealed class HostnameCollector(HostPaths paths) : IInventoryCollector
{
    public string Name => "hostname";

    public void Collect(Inventory inventory, CancellationToken cancellationToken)
    {
        // The kernel's name is the one in effect; /etc/hostname is only what the next boot will set.
        var kernel = paths.Proc("sys/kernel/hostname");
        var name = File.Exists(kernel) ? File.ReadAllText(kernel).Trim() : File.ReadAllText(paths.Etc("hostname")).Trim();
        if (name.Length == 0)
        {
            throw new InvalidDataException("The host has an empty host name.");
        }

        inventory.Hostname = name;
    }
}
