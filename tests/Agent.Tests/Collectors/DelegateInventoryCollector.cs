using SentinelSync.Agent.Collectors;
using SentinelSync.Contracts.Agent.V1;

namespace SentinelSync.Agent.Tests.Collectors;

internal sealed class DelegateInventoryCollector(string name, Action<Inventory> collect) : IInventoryCollector
{
    public int Calls { get; private set; }

    public string Name => name;

    public void Collect(Inventory inventory, CancellationToken cancellationToken)
    {
        Calls++;
        collect(inventory);
    }
}
