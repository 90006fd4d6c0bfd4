namespace SentinelSync.Agent.Collectors.Procfs;

/// <summary>When the host booted: <c>btime</c> of <c>/proc/stat</c>, else now minus <c>/proc/uptime</c>.</summary>
internal static class BootTime
{
    public static DateTimeOffset? FromStat(string stat)
    {
        foreach (var line in stat.Split('\n'))
        {
            if (line.StartsWith("btime ", StringComparison.Ordinal) && long.TryParse(line.AsSpan(6).Trim(), out var seconds))
            {
                return DateTimeOffset.FromUnixTimeSeconds(seconds);
            }
        }

        return null;
    }

    public static DateTimeOffset FromUptime(string uptime, DateTimeOffset now)
    {
        var first = uptime.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
        var seconds = double.Parse(first, System.Globalization.CultureInfo.InvariantCulture);

        // Whole seconds, so the derived boot time does not wobble between two reads.
        return DateTimeOffset.FromUnixTimeSeconds((long)Math.Round(now.ToUnixTimeMilliseconds() / 1000.0 - seconds));
    }
}
