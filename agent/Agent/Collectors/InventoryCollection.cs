using SentinelSync.Contracts.Agent.V1;

namespace SentinelSync.Agent.Collectors;

/// <summary>One inventory run: the merged inventory and a report per enabled collector.</summary>
internal sealed record InventoryCollection(Inventory Inventory, IReadOnlyList<CollectorReport> Reports);
