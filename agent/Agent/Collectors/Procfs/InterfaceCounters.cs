namespace SentinelSync.Agent.Collectors.Procfs;

/// <summary>Bytes received and sent by one network interface since boot, from <c>/proc/net/dev</c>.</summary>
internal readonly record struct InterfaceCounters(string Interface, ulong ReceivedBytes, ulong SentBytes)
{
    public static IReadOnlyList<InterfaceCounters> Parse(string text)
    {
        var result = new List<InterfaceCounters>();
        foreach (var line in text.Split('\n'))
        {
            // "  eth0: rx_bytes rx_packets … (8 receive fields) tx_bytes …"; the two header lines have no colon
            // before their first '|'.
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || line.IndexOf('|', StringComparison.Ordinal) >= 0)
            {
                continue;
            }

            var fields = line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 9)
            {
                continue;
            }

            result.Add(new InterfaceCounters(line[..colon].Trim(), ulong.Parse(fields[0]), ulong.Parse(fields[8])));
        }

        return result;
    }
}
