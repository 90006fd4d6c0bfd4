namespace SentinelSync.Agent.Collectors.Platform;

/// <summary>Measures mounts of the running host through <see cref="DriveInfo"/>, which calls statvfs(3) on Linux.</summary>
internal sealed class StatvfsFileSystemSpace : IFileSystemSpace
{
    public static StatvfsFileSystemSpace Instance { get; } = new();

    public FileSystemSpace? Measure(string mountPoint)
    {
        try
        {
            var drive = new DriveInfo(mountPoint);
            return new FileSystemSpace((ulong)drive.TotalSize, (ulong)drive.TotalFreeSpace, (ulong)drive.AvailableFreeSpace);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            // A mount we may not look into (another user's FUSE mount) or one that vanished since
            // the mount table was read: it is left out, not an error of the whole collector.
            return null;
        }
    }
}
