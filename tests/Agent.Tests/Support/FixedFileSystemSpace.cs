using SentinelSync.Agent.Collectors.Platform;

namespace SentinelSync.Agent.Tests.Support;

/// <summary>statvfs answers for the fixture's mount points; unknown ones cannot be measured.</summary>
internal sealed class FixedFileSystemSpace(IReadOnlyDictionary<string, FileSystemSpace> spaces) : IFileSystemSpace
{
    public FileSystemSpace? Measure(string mountPoint) => spaces.TryGetValue(mountPoint, out var space) ? space : null;
}
