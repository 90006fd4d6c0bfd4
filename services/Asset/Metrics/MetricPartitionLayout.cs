using System.Globalization;

namespace SentinelSync.Asset.Metrics;

/// <summary>
/// Where partition boundaries fall: slots of <c>PartitionInterval</c> counted from the Unix epoch (so daily
/// partitions run from UTC midnight to midnight), named by their start (<c>metric_samples_p20261122</c>, or
/// <c>metric_samples_p20261122_060000</c> when the start is not midnight).
/// </summary>
/// <remarks>
/// A slot is clipped against the partitions that exist, so a change of the interval never yields overlapping
/// partitions (PostgreSQL would refuse them and the batch with them).
/// </remarks>
internal sealed class MetricPartitionLayout
{
    private readonly TimeSpan _interval;

    public MetricPartitionLayout(TimeSpan interval)
    {
        if (!IsValidInterval(interval))
        {
            throw new ArgumentOutOfRangeException(nameof(interval), interval, "A partition interval divides a day into whole hours or spans whole days (up to 31).");
        }

        _interval = interval;
    }

    /// <summary>1, 2, 3, 4, 6, 8 or 12 hours, or 1 to 31 whole days.</summary>
    public static bool IsValidInterval(TimeSpan interval)
    {
        if (interval < TimeSpan.FromHours(1) || interval > TimeSpan.FromDays(31))
        {
            return false;
        }

        return interval < TimeSpan.FromDays(1)
            ? interval.Ticks % TimeSpan.TicksPerHour == 0 && TimeSpan.TicksPerDay % interval.Ticks == 0
            : interval.Ticks % TimeSpan.TicksPerDay == 0;
    }

    /// <summary>The start of the slot that holds <paramref name="time"/> (UTC).</summary>
    public DateTime SlotStart(DateTime time)
    {
        var ticks = (time.ToUniversalTime() - DateTime.UnixEpoch).Ticks;
        var slot = ticks >= 0 ? ticks / _interval.Ticks : ((ticks + 1) / _interval.Ticks) - 1;
        return DateTime.SpecifyKind(DateTime.UnixEpoch.AddTicks(slot * _interval.Ticks), DateTimeKind.Utc);
    }

    /// <summary>The slot after the one starting at <paramref name="slotStart"/>.</summary>
    public DateTime NextSlot(DateTime slotStart) => slotStart + _interval;

    /// <summary>
    /// The partition to create for <paramref name="time"/>, which no partition in <paramref name="existing"/> holds:
    /// its slot, narrowed so it overlaps none of them.
    /// </summary>
    public MetricPartitionRange RangeFor(DateTime time, IReadOnlyList<MetricPartitionRange> existing)
    {
        var start = SlotStart(time);
        var end = start + _interval;
        foreach (var range in existing)
        {
            if (range.Contains(time))
            {
                throw new InvalidOperationException($"Partition {range.Name} already holds {time:O}.");
            }

            if (range.End <= time && range.End > start)
            {
                start = range.End;
            }

            if (range.Start > time && range.Start < end)
            {
                end = range.Start;
            }
        }

        return new MetricPartitionRange(NameFor(start), start, end);
    }

    /// <summary>The table name of a partition starting at <paramref name="start"/>.</summary>
    public static string NameFor(DateTime start) => start.TimeOfDay == TimeSpan.Zero
        ? "metric_samples_p" + start.ToString("yyyyMMdd", CultureInfo.InvariantCulture)
        : "metric_samples_p" + start.ToString("yyyyMMdd'_'HHmmss", CultureInfo.InvariantCulture);
}
