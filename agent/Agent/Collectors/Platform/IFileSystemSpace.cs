namespace SentinelSync.Agent.Collectors.Platform;

/// <summary>Measures mounted file systems; the real one asks the kernel, tests hand in fixed numbers.</summary>
internal interface IFileSystemSpace
{
    /// <summary>The space of the file system mounted at <paramref name="mountPoint"/>, or <c>null</c> when it cannot be measured.</summary>
    FileSystemSpace? Measure(string mountPoint);
}
