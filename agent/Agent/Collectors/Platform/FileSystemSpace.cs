namespace SentinelSync.Agent.Collectors.Platform;

/// <summary>statvfs(3) of one mount: its size, the blocks free, and the blocks free to unprivileged users.</summary>
internal readonly record struct FileSystemSpace(ulong TotalBytes, ulong FreeBytes, ulong AvailableBytes)
{
    /// <summary>Bytes in use: the total less every free block, reserved ones included.</summary>
    public ulong UsedBytes => TotalBytes >= FreeBytes ? TotalBytes - FreeBytes : 0;

    /// <summary>Use in percent the way df(1) computes it: used / (used + available).</summary>
    public double UsedPercent => UsedBytes + AvailableBytes == 0 ? 0 : 100.0 * UsedBytes / (UsedBytes + AvailableBytes);
}
