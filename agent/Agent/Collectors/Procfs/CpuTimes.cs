namespace SentinelSync.Agent.Collectors.Procfs;

/// <summary>The aggregate <c>cpu</c> line of <c>/proc/stat</c>, in clock ticks.</summary>
internal readonly record struct CpuTimes(ulong Total, ulong Idle)
{
    public static CpuTimes Parse(string stat)
    {
        foreach (var line in stat.Split('\n'))
        {
            if (!line.StartsWith("cpu ", StringComparison.Ordinal))
            {
                continue;
            }

            // user nice system idle iowait irq softirq steal guest guest_nice: guest time is already
            // counted in user and nice, so only the first eight add up to the total.
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8).Select(ulong.Parse).ToArray();
            if (fields.Length < 4)
            {
                break;
            }

            var idle = fields[3] + (fields.Length > 4 ? fields[4] : 0);
            return new CpuTimes(fields.Aggregate(0UL, (sum, value) => sum + value), idle);
        }

        throw new InvalidDataException("/proc/stat has no aggregate cpu line.");
    }
}
