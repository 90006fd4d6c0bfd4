using System.Text;

namespace SentinelSync.Agent.Collectors.Procfs;

/// <summary>Reads <c>/proc/self/mounts</c> and keeps the file systems that hold data.</summary>
internal static class MountTable
{
    // Block-device file systems that are not worth watching: read-only images that are always full.
    private static readonly HashSet<string> ImageFileSystems = new(StringComparer.Ordinal) { "squashfs", "iso9660", "udf" };

    // Network file systems have no /dev device but hold real data.
    private static readonly HashSet<string> NetworkFileSystems = new(StringComparer.Ordinal)
    {
        "nfs", "nfs4", "cifs", "smb3", "ceph", "glusterfs", "fuse.glusterfs", "fuse.sshfs", "9p", "virtiofs",
    };

    /// <summary>All entries, in mount order.</summary>
    public static IReadOnlyList<MountEntry> Parse(string text)
    {
        var result = new List<MountEntry>();
        foreach (var line in text.Split('\n'))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 3)
            {
                result.Add(new MountEntry(Unescape(fields[0]), Unescape(fields[1]), fields[2]));
            }
        }

        return result;
    }

    /// <summary>
    /// The mounts of real file systems (block devices other than images, and network file systems),
    /// one per mount point (the last mount over a point is the visible one), ordered by mount point.
    /// </summary>
    public static IReadOnlyList<MountEntry> RealFileSystems(string text)
    {
        var visible = new Dictionary<string, MountEntry>(StringComparer.Ordinal);
        foreach (var entry in Parse(text))
        {
            var isBlock = entry.Device.StartsWith("/dev/", StringComparison.Ordinal) && !ImageFileSystems.Contains(entry.FileSystemType);
            if (isBlock || NetworkFileSystems.Contains(entry.FileSystemType))
            {
                visible[entry.MountPoint] = entry;
            }
            else
            {
                // A pseudo file system mounted over a real one hides it.
                visible.Remove(entry.MountPoint);
            }
        }

        return visible.Values.OrderBy(entry => entry.MountPoint, StringComparer.Ordinal).ToList();
    }

    /// <summary>Decodes the kernel's <c>\ooo</c> escapes (space, tab, newline and backslash).</summary>
    public static string Unescape(string field)
    {
        if (!field.Contains('\\', StringComparison.Ordinal))
        {
            return field;
        }

        var result = new StringBuilder(field.Length);
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && IsOctal(field, i + 1))
            {
                result.Append((char)Convert.ToInt32(field.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                result.Append(field[i]);
            }
        }

        return result.ToString();
    }

    private static bool IsOctal(string field, int start) =>
        start + 3 <= field.Length && field.AsSpan(start, 3).IndexOfAnyExceptInRange('0', '7') < 0;
}
