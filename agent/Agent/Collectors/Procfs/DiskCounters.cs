namespace SentinelSync.Agent.Collectors.Procfs;

/// <summary>Bytes read and written by one block device since boot, from <c>/proc/diskstats</c>.</summary>
internal readonly record struct DiskCounters(string Device, ulong ReadBytes, ulong WrittenBytes)
{
    // diskstats counts 512-byte sectors whatever the device's own sector size.
    private const ulong SectorBytes = 512;

    public static IReadOnlyList<DiskCounters> Parse(string text)
    {
        var result = new List<DiskCounters>();
        foreach (var line in text.Split('\n'))
        {
            // major minor name reads merged sectors_read ms_reading writes merged sectors_written …
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 10)
            {
                continue;
            }

            result.Add(new DiskCounters(fields[2], ulong.Parse(fields[5]) * SectorBytes, ulong.Parse(fields[9]) * SectorBytes));
        }

        return result;
    }
}
