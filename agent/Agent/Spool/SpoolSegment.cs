using System.Globalization;

namespace SentinelSync.Agent.Spool;

/// <summary>One segment file, named by the first sequence it may hold: <c>00000000000000000042.seg</c>.</summary>
internal sealed class SpoolSegment(string path, ulong firstSequence)
{
    public const string Extension = ".seg";

    public string Path { get; } = path;

    public ulong FirstSequence { get; } = firstSequence;

    /// <summary>The sequence of the last record; meaningless while <see cref="RecordCount"/> is 0.</summary>
    public ulong LastSequence { get; set; }

    public long RecordCount { get; set; }

    public long Length { get; set; }

    public static string FileName(ulong firstSequence) => firstSequence.ToString("D20", CultureInfo.InvariantCulture) + Extension;

    public static bool TryParseFileName(string fileName, out ulong firstSequence)
    {
        firstSequence = 0;
        return fileName.EndsWith(Extension, StringComparison.Ordinal)
            && ulong.TryParse(fileName.AsSpan(0, fileName.Length - Extension.Length), NumberStyles.None, CultureInfo.InvariantCulture, out firstSequence);
    }
}
