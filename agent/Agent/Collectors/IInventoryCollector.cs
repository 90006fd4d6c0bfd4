using SentinelSync.Contracts.Agent.V1;

namespace SentinelSync.Agent.Collectors;

/// <summary>Fills one section of the host inventory (the OS, the CPU, the disks, …).</summary>
/// <remarks>
/// Called by <see cref="CollectorHost"/> on one thread at a time. The inventory handed in is a
/// scratch message owned by this call: what the collector wrote is merged into the report only
/// when <see cref="Collect"/> returns normally, so a collector that throws half-way leaves
/// nothing behind.
/// </remarks>
internal interface IInventoryCollector
{
    /// <summary>The collector's name, unique among inventory collectors; <c>inventory.{Name}</c> switches it off.</summary>
    string Name { get; }

    /// <summary>Writes this collector's section into <paramref name="inventory"/>.</summary>
    void Collect(Inventory inventory, CancellationToken cancellationToken);
}
