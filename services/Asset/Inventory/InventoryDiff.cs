using System.Collections;
using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using SentinelSync.Contracts.Agent.V1;
using AgentInventory = SentinelSync.Contracts.Agent.V1.Inventory;

namespace SentinelSync.Asset.Inventory;

/// <summary>
/// Compares two inventories field by field through the message descriptors, so a field added to the contract is
/// compared without a change here. Repeated sections are matched by their key (disks and interfaces by name, mounts
/// by mount point), not by position. The approach follows the agent's own diff; paths are the same on both sides.
/// </summary>
internal static class InventoryDiff
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
