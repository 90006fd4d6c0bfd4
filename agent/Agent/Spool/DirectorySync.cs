using System.Runtime.InteropServices;

namespace SentinelSync.Agent.Spool;

/// <summary>fsync(2) on a directory, so that files created or deleted in it survive a power cut.</summary>
/// <remarks>.NET opens no handle on a directory, hence the three libc calls.</remarks>
internal static partial class DirectorySync
{
    public static void Flush(string directory)
    {
        if (!System.OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            var fd = Open(directory, 0);
            if (fd < 0)
            {
                return;
            }

            _ = Fsync(fd);
            _ = Close(fd);
        }
        catch (DllNotFoundException)
        {
            // Best effort: without libc's symbols the files are still written and fsynced themselves.
        }
        catch (EntryPointNotFoundException)
        {
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync")]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
