using System.Globalization;

namespace SentinelSync.Agent.Configuration;

/// <summary>Durations as people write them in the config: <c>500ms</c>, <c>10s</c>, <c>5m</c>, <c>1h30m</c>, <c>1d</c>.</summary>
internal static class DurationText
{
    public const string Expected = "a duration such as 500ms, 10s, 5m, 1h30m or 1d";

    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var rest = text.AsSpan().Trim();
        if (rest.IsEmpty)
        {
            return false;
        }

        while (!rest.IsEmpty)
        {
            var digits = rest.IndexOfAnyExcept("0123456789.");
            if (digits <= 0 || !double.TryParse(rest[..digits], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
            {
                return false;
            }

            rest = rest[digits..];
            var unitLength = rest.IndexOfAny("0123456789.");
            var unit = unitLength < 0 ? rest : rest[..unitLength];
            double? milliseconds = unit switch
            {
                "ms" => amount,
                "s" => amount * 1_000,
                "m" => amount * 60_000,
                "h" => amount * 3_600_000,
                "d" => amount * 86_400_000,
                _ => null,
            };
            if (milliseconds is null || duration.TotalMilliseconds + milliseconds > TimeSpan.MaxValue.TotalMilliseconds / 2)
            {
                return false;
            }

            duration += TimeSpan.FromMilliseconds(milliseconds.Value);
            rest = rest[unit.Length..];
        }

        return true;
    }

    public static string Format(TimeSpan duration) => duration switch
    {
        { TotalMilliseconds: < 1000 } => $"{duration.TotalMilliseconds:0.###}ms",
        { Ticks: var ticks } when ticks % TimeSpan.TicksPerHour == 0 => $"{duration.TotalHours:0}h",
        { Ticks: var ticks } when ticks % TimeSpan.TicksPerMinute == 0 => $"{duration.TotalMinutes:0}m",
        _ => $"{duration.TotalSeconds:0.###}s",
    };
}
