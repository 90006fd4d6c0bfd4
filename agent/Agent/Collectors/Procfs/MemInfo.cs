namespace SentinelSync.Agent.Collectors.Procfs;

/// <summary>Parses <c>/proc/meminfo</c> into byte counts keyed by field name (<c>MemTotal</c>, <c>SwapFree</c>, …).</summary>
internal static class MemInfo
{
    public static IReadOnlyDictionary<string, ulong> Parse(string text)
    {
        var values = new Dictionary<string, ulong>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var parts = line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0 || !ulong.TryParse(parts[0], out var amount))
            {
                continue;
            }

            // The kernel writes "kB" and means KiB; a few fields (HugePages_*) carry no unit.
            values[line[..colon]] = parts.Length > 1 && parts[1] == "kB" ? amount * 1024 : amount;
        }

        return values;
    }

    public static ulong Get(IReadOnlyDictionary<string, ulong> values, string key) =>
        values.TryGetValue(key, out var value) ? value : throw new InvalidDataException($"meminfo has no {key} line.");
}
