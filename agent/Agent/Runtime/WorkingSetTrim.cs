using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;

namespace SentinelSync.Agent.Runtime;

/// <summary>
/// Hands back to the kernel, every 30 s, the clean pages of the agent's own binary that the
/// process has mapped: <c>madvise(MADV_DONTNEED)</c> on every read-only mapping of the executable
/// that holds no private (copied-on-write) page. The pages stay in the page cache; what the next
/// cycles touch faults back in at once (a minor fault), so resident memory settles at what half a minute
/// of idle work needs instead of everything start-up ever touched.
/// </summary>
/// <remarks>
/// <para>Why: the single-file binary is mapped, not loaded. Start-up (command line, YAML,
/// configuration binding, the first HTTP/2 connection, class loading) touches about 27 MB of its
/// runtime, framework and ReadyToRun pages; the kernel maps them in 64 KiB windows (fault-around)
/// and leaves them mapped for the life of the process. About half are never needed again.</para>
/// <para>Safety: only mappings of <see cref="Environment.ProcessPath"/> without write permission
/// and with <c>Anonymous: 0 kB</c> in <c>/proc/self/smaps</c> are advised, so no relocated or
/// patched page is ever dropped; for such a mapping <c>MADV_DONTNEED</c> only unmaps page-cache
/// pages, and the kernel refuses writes to a running executable (ETXTBSY), so what faults back in
/// is what was there. Shared libraries (libc, libstdc++) are left alone: other processes share
/// them anyway.</para>
/// <para>Threading: the timer callback runs on the thread pool, one at a time (the next run is
/// scheduled only after the previous one ended). Every failure is swallowed: trimming is an
/// optimisation and never a reason to disturb the daemon.</para>
/// </remarks>
internal sealed partial class WorkingSetTrim : IDisposable
{
    /// <summary>After start-up: the first collection, connection and acknowledgements are done by then.</summary>
    public static readonly TimeSpan FirstTrim = TimeSpan.FromSeconds(20);

    /// <summary>Three metrics cycles at the default 10 s interval: what they need faults back in at once, what they do not stays out.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(30);

    private const int MadvDontNeed = 4;

    private readonly byte[] _executable;
    private readonly ITimer _timer;
    private int _running;

    private WorkingSetTrim(string executable, TimeProvider time)
    {
        _executable = Encoding.UTF8.GetBytes(executable);
        _timer = time.CreateTimer(_ => Run(), null, FirstTrim, Period);
    }

    /// <summary>Starts trimming on Linux; elsewhere, or without a known executable path, returns null.</summary>
    public static WorkingSetTrim? Start(TimeProvider time) =>
        OperatingSystem.IsLinux() && Environment.ProcessPath is { Length: > 0 } path ? new WorkingSetTrim(path, time) : null;

    /// <summary>Advises away the eligible mappings described by <paramref name="smaps"/> (the text of <c>/proc/self/smaps</c>).</summary>
    /// <returns>The number of bytes of address space advised.</returns>
    internal static long Trim(ReadOnlySpan<byte> smaps, ReadOnlySpan<byte> executable, Func<nint, nuint, bool> advise)
    {
        long advised = 0;
        nint start = 0;
        nuint length = 0;
        var candidate = false;
        while (!smaps.IsEmpty)
        {
            var end = smaps.IndexOf((byte)'\n');
            var line = end < 0 ? smaps : smaps[..end];
            smaps = end < 0 ? default : smaps[(end + 1)..];
            if (line.IsEmpty)
            {
                continue;
            }

            if (IsMappingHeader(line))
            {
                candidate = ParseHeader(line, executable, out start, out length);
            }
            else if (candidate && line.StartsWith("Anonymous:"u8))
            {
                // Private copies (relocations, patched code) would be lost: such a mapping stays as it is.
                if (ParseKilobytes(line["Anonymous:"u8.Length..]) == 0 && advise(start, length))
                {
                    advised += (long)length;
                }

                candidate = false;
            }
        }

        return advised;
    }

    public void Dispose() => _timer.Dispose();

    // "55caa9100000-55caa92fd000 r-xp 00dc4000 fe:00 1234   /usr/local/bin/sentinel-agent"
    private static bool IsMappingHeader(ReadOnlySpan<byte> line) => char.IsAsciiHexDigitLower((char)line[0]) || char.IsAsciiDigit((char)line[0]);

    private static bool ParseHeader(ReadOnlySpan<byte> line, ReadOnlySpan<byte> executable, out nint start, out nuint length)
    {
        start = 0;
        length = 0;
        var space = line.IndexOf((byte)' ');
        var dash = line.IndexOf((byte)'-');
        if (space < 0 || dash < 0 || dash > space || line.Length < space + 5)
        {
            return false;
        }

        var permissions = line.Slice(space + 1, 4);
        var path = line[(line.IndexOf((byte)'/') is var slash and >= 0 ? slash : line.Length)..];
        if (permissions[0] != (byte)'r' || permissions[1] == (byte)'w' || !path.SequenceEqual(executable))
        {
            return false;
        }

        if (!ulong.TryParse(line[..dash], System.Globalization.NumberStyles.AllowHexSpecifier, null, out var from)
            || !ulong.TryParse(line[(dash + 1)..space], System.Globalization.NumberStyles.AllowHexSpecifier, null, out var to)
            || to <= from)
        {
            return false;
        }

        start = (nint)from;
        length = (nuint)(to - from);
        return true;
    }

    private static long ParseKilobytes(ReadOnlySpan<byte> value)
    {
        value = value.TrimStart((byte)' ');
        var digits = value.IndexOfAnyExceptInRange((byte)'0', (byte)'9');
        return long.TryParse(digits < 0 ? value : value[..digits], out var kilobytes) ? kilobytes : -1;
    }

    private void Run()
    {
        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            return;
        }

        byte[]? buffer = null;
        try
        {
            // /proc files report no length: read until the end into a pooled buffer that grows as needed.
            buffer = ArrayPool<byte>.Shared.Rent(256 * 1024);
            var read = 0;
            using (var smaps = new FileStream("/proc/self/smaps", FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0))
            {
                int n;
                while ((n = smaps.Read(buffer, read, buffer.Length - read)) > 0)
                {
                    read += n;
                    if (read == buffer.Length)
                    {
                        var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        buffer.AsSpan(0, read).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }
                }
            }

            Trim(buffer.AsSpan(0, read), _executable, static (start, length) => Madvise(start, length, MadvDontNeed) == 0);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or EntryPointNotFoundException or DllNotFoundException)
        {
            // No /proc, or no madvise: nothing to trim.
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            Volatile.Write(ref _running, 0);
        }
    }

    [LibraryImport("libc", EntryPoint = "madvise", SetLastError = true)]
    private static partial int Madvise(nint address, nuint length, int advice);
}
