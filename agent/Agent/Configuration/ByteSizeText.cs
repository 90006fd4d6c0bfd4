using System.Globalization;

namespace SentinelSync.Agent.Configuration;

/// <summary>Sizes as people write them in the config: <c>1048576</c>, <c>512KiB</c>, <c>64MiB</c>, <c>1GiB</c>, <c>100MB</c>.</summary>
internal static class ByteSizeText
{
    public const string Expected = "a size such as 65536, 512KiB, 64MiB or 1GiB";

    private static readonly (string Unit, long Factor)[] Units =
    [
        ("KiB", 1L << 10), ("MiB", 1L << 20), ("GiB", 1L << 30), ("TiB", 1L << 40),
        ("KB", 1_000L), ("MB", 1_000_000L), ("GB", 1_000_000_000L), ("TB", 1_000_000_000_000L),
        ("B", 1L),
    ];

    public static bool TryParse(string text, out long bytes)
    {
        bytes = 0;
        var trimmed = text.Trim();
        var (unit, factor) = Units.FirstOrDefault(u => trimmed.EndsWith(u.Unit, StringComparison.Ordinal));
        var number = unit is null ? trimmed : trimmed[..^unit.Length].TrimEnd();
        if (!long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var amount) || amount > long.MaxValue / Math.Max(factor, 1))
        {
            return false;
        }

        bytes = amount * Math.Max(factor, 1);
        return true;
    }

    public static string Format(long bytes) => bytes switch
    {
        _ when bytes >= 1L << 30 && bytes % (1L << 30) == 0 => $"{bytes >> 30}GiB",
        _ when bytes >= 1L << 20 && bytes % (1L << 20) == 0 => $"{bytes >> 20}MiB",
        _ when bytes >= 1L << 10 && bytes % (1L << 10) == 0 => $"{bytes >> 10}KiB",
        _ => bytes.ToString(CultureInfo.InvariantCulture),
    };
}
