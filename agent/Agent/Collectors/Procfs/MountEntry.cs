namespace SentinelSync.Agent.Collectors.Procfs;

/// <summary>One line of <c>/proc/self/mounts</c>, with its octal escapes decoded.</summary>
internal sealed record MountEntry(string Device, string MountPoint, string FileSystemType);
