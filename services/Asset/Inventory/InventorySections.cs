using System.Collections;
using Google.Protobuf.Reflection;
using AgentInventory = SentinelSync.Contracts.Agent.V1.Inventory;

namespace SentinelSync.Asset.Inventory;

/// <summary>Applies a delta <c>InventoryReport</c> to the stored inventory, section by section.</summary>
internal static class InventorySections
{
    /// <summary>
    /// A copy of <paramref name="current"/> whose top-level sections named in <paramref name="changedSections"/> are
    /// replaced by the ones of <paramref name="delta"/> (a section absent or empty there becomes absent or empty).
    /// With no section named, every section the delta carries counts as changed.
    /// </summary>
    /// <param name="current">The stored inventory; not modified.</param>
    /// <param name="delta">The report's inventory, holding the changed sections.</param>
    /// <param name="changedSections">Top-level field names of <c>Inventory</c>, e.g. <c>disks</c>.</param>
    /// <param name="unknownSections">Names that are no field of <c>Inventory</c> (a newer agent); they are skipped.</param>
    public static AgentInventory Merge(AgentInventory current, AgentInventory delta, IReadOnlyCollection<string> changedSections, out IReadOnlyList<string> unknownSections)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(delta);
        ArgumentNullException.ThrowIfNull(changedSections);
        var merged = current.Clone();
        var unknown = new List<string>();
        var fields = new List<FieldDescriptor>();
        if (changedSections.Count == 0)
        {
            fields.AddRange(AgentInventory.Descriptor.Fields.InFieldNumberOrder().Where(field => IsPresent(field, delta)));
        }
        else
        {
            foreach (var section in changedSections.Distinct(StringComparer.Ordinal))
            {
                var field = AgentInventory.Descriptor.FindFieldByName(section);
                if (field is null)
                {
                    unknown.Add(section);
                }
                else
                {
                    fields.Add(field);
                }
            }
        }

        // The merged inventory must not share sub-messages with the caller's delta.
        var source = delta.Clone();
        foreach (var field in fields)
        {
            Replace(field, merged, source);
        }

        unknownSections = unknown;
        return merged;
    }

    private static bool IsPresent(FieldDescriptor field, AgentInventory inventory)
    {
        var value = field.Accessor.GetValue(inventory);
        return value switch
        {
            null => false,
            IList list => list.Count > 0,
            string text => text.Length > 0,
            _ => field.FieldType != FieldType.Message ? !Equals(value, Activator.CreateInstance(value.GetType())) : true,
        };
    }

    private static void Replace(FieldDescriptor field, AgentInventory target, AgentInventory source)
    {
        var value = field.Accessor.GetValue(source);
        if (field.IsRepeated)
        {
            var list = (IList)field.Accessor.GetValue(target);
            list.Clear();
            foreach (var item in (IList)value)
            {
                list.Add(item);
            }
        }
        else if (value is null)
        {
            field.Accessor.Clear(target);
        }
        else
        {
            field.Accessor.SetValue(target, value);
        }
    }
}
