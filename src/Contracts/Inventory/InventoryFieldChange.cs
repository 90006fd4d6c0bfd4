namespace SentinelSync.Contracts.Inventory;

/// <summary>
/// One difference between two inventories: a path such as <c>memory.total_bytes</c> or
/// <c>interfaces[eth0].addresses</c>, and the values before and after (<c>null</c> when the element was added or
/// removed; whole elements are rendered as JSON).
/// </summary>
public sealed record InventoryFieldChange(string Path, string? OldValue, string? NewValue)
{
    /// <inheritdoc />
    public override string ToString() => $"{Path}: {OldValue ?? "(none)"} -> {NewValue ?? "(none)"}";
}
