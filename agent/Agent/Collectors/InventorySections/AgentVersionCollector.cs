using SentinelSync.Contracts.Agent.V1;

namespace SentinelSync.Agent.Collectors.InventorySections;

/// <summary>The version of this agent.</summary>
internal sealed class AgentVersionCollector(string version) : IInventoryCollector
{
    public string Name => "agent";

    public void Collect(Inventory inventory, CancellationToken cancellationToken) =>
        inventory.AgentVersion = version;
}
