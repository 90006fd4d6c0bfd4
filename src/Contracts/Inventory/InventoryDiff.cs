using System.Collections;
using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using SentinelSync.Contracts.Agent.V1;
using AgentInventory = SentinelSync.Contracts.Agent.V1.Inventory;

namespace SentinelSync.Contracts.Inventory;

/// <summary>
/// Compares two inventories field by field through the message descriptors, so a field added to the contract is
/// compared without a change here. Repeated sections are matched by their key (disks and interfaces by name, mounts
/// by mount point), not by position. The agent (to send deltas) and the Asset service (to record change events) share it, so paths agree.
/// </summary>
public static class InventoryDiff
{
    private static readonly Dictionary<string, string> KeyFields = new(StringComparer.Ordinal)
    {
        [Disk.Descriptor.FullName] = "name",
        [Mount.Descriptor.FullName] = "mount_point",
        [NetworkInterface.Descriptor.FullName] = "name",
    };

    /// <summary>Every changed leaf, in field-number order; empty when the inventories are equal.</summary>
    public static IReadOnlyList<InventoryFieldChange> Compare(AgentInventory previous, AgentInventory current)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(current);
        var changes = new List<InventoryFieldChange>();
        CompareMessages(previous, current, string.Empty, changes);
        return changes;
    }

    /// <summary>
    /// An inventory holding only the top-level sections that changed, complete, for an <c>InventoryReport</c>
    /// with <c>full = false</c>.
    /// </summary>
    public static AgentInventory Delta(AgentInventory current, IEnumerable<InventoryFieldChange> changes)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(changes);
        var delta = new AgentInventory();
        var source = current.Clone();
        var sections = changes.Select(change => change.Path.Split('.', '[')[0]).ToHashSet(StringComparer.Ordinal);
        foreach (var field in AgentInventory.Descriptor.Fields.InFieldNumberOrder().Where(f => sections.Contains(f.Name)))
        {
            if (field.IsRepeated)
            {
                var target = (IList)field.Accessor.GetValue(delta);
                foreach (var item in (IList)field.Accessor.GetValue(source))
                {
                    target.Add(item);
                }
            }
            else
            {
                field.Accessor.SetValue(delta, field.Accessor.GetValue(source));
            }
        }

        return delta;
    }

    private static void CompareMessages(IMessage previous, IMessage current, string prefix, List<InventoryFieldChange> changes)
    {
        foreach (var field in current.Descriptor.Fields.InFieldNumberOrder())
        {
            var path = prefix + field.Name;
            var before = field.Accessor.GetValue(previous);
            var after = field.Accessor.GetValue(current);
            if (field.IsMap)
            {
                var left = FormatMap((IDictionary)before);
                var right = FormatMap((IDictionary)after);
                if (left != right)
                {
                    changes.Add(new InventoryFieldChange(path, left, right));
                }
            }
            else if (field.IsRepeated && field.FieldType == FieldType.Message)
            {
                CompareElements(field, (IList)before, (IList)after, path, changes);
            }
            else if (field.IsRepeated)
            {
                var left = FormatList((IEnumerable)before);
                var right = FormatList((IEnumerable)after);
                if (left != right)
                {
                    changes.Add(new InventoryFieldChange(path, left, right));
                }
            }
            else if (field.FieldType == FieldType.Message && field.MessageType.FullName != Timestamp.Descriptor.FullName)
            {
                CompareSection((IMessage?)before, (IMessage?)after, path, changes);
            }
            else if (!Equals(before, after))
            {
                changes.Add(new InventoryFieldChange(path, FormatValue(before), FormatValue(after)));
            }
        }
    }

    private static void CompareSection(IMessage? before, IMessage? after, string path, List<InventoryFieldChange> changes)
    {
        if (before is null || after is null)
        {
            if (before is not null || after is not null)
            {
                changes.Add(new InventoryFieldChange(path, FormatValue(before), FormatValue(after)));
            }

            return;
        }

        CompareMessages(before, after, path + ".", changes);
    }

    private static void CompareElements(FieldDescriptor field, IList before, IList after, string path, List<InventoryFieldChange> changes)
    {
        var left = Index(field, before);
        var right = Index(field, after);
        foreach (var (key, element) in left.Where(pair => !right.ContainsKey(pair.Key)))
        {
            changes.Add(new InventoryFieldChange($"{path}[{key}]", FormatValue(element), null));
        }

        foreach (var (key, element) in right)
        {
            if (left.TryGetValue(key, out var old))
            {
                CompareMessages(old, element, $"{path}[{key}].", changes);
            }
            else
            {
                changes.Add(new InventoryFieldChange($"{path}[{key}]", null, FormatValue(element)));
            }
        }
    }

    private static Dictionary<string, IMessage> Index(FieldDescriptor field, IList elements)
    {
        var keyField = KeyFields.TryGetValue(field.MessageType.FullName, out var name) ? field.MessageType.FindFieldByName(name) : null;
        var result = new Dictionary<string, IMessage>(StringComparer.Ordinal);
        for (var i = 0; i < elements.Count; i++)
        {
            var element = (IMessage)elements[i]!;
            var key = keyField is null ? i.ToString(CultureInfo.InvariantCulture) : FormatValue(keyField.Accessor.GetValue(element)) ?? string.Empty;

            // Two elements with one key (a mount point mounted twice) keep the later, as the kernel shows it.
            result[key] = element;
        }

        return result;
    }

    private static string FormatList(IEnumerable values) =>
        "[" + string.Join(", ", values.Cast<object?>().Select(FormatValue)) + "]";

    private static string FormatMap(IDictionary map) =>
        "{" + string.Join(", ", map.Cast<DictionaryEntry>().Select(entry => $"{FormatValue(entry.Key)}={FormatValue(entry.Value)}").Order(StringComparer.Ordinal)) + "}";

    private static string? FormatValue(object? value) => value switch
    {
        null => null,
        string text => text,
        bool flag => flag ? "true" : "false",
        Timestamp timestamp => timestamp.ToDateTimeOffset().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        IMessage message => JsonFormatter.Default.Format(message),
        ByteString bytes => bytes.ToBase64(),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}
