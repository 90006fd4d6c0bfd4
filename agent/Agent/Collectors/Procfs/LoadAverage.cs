using System.Globalization;

namespace SentinelSync.Agent.Collectors.Procfs;

/// <summary>The 1, 5 and 15 minute load averages from <c>/proc/loadavg</c>.</summary>
internal readonly record struct LoadAverage(double One, double Five, double Fifteen)
{
    public static LoadAverage Parse(string text)
    {
        var fields = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 3)
        {
            throw new InvalidDataException("/proc/loadavg has fewer than three fields.");
        }

        return new LoadAverage(
            double.Parse(fields[0], CultureInfo.InvariantCulture),
            double.Parse(fields[1], CultureInfo.InvariantCulture),
            double.Parse(fields[2], CultureInfo.InvariantCulture));
    }
}
