namespace SentinelSync.Server.Hosting;

/// <summary>Options for creating a secret file readable by its owner only (mode 600 on Unix).</summary>
internal static class OwnerOnlyFile
{
    public static FileStreamOptions CreateOptions()
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return options;
    }
}
