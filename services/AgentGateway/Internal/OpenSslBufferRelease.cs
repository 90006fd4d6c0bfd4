using System.Net.Security;
using System.Reflection;
using System.Runtime.InteropServices;

namespace SentinelSync.AgentGateway.Internal;

/// <summary>
/// Sets OpenSSL's <c>SSL_MODE_RELEASE_BUFFERS</c> on the <c>SSL</c> object behind an authenticated
/// <see cref="SslStream"/>, so that an idle connection does not keep its TLS record buffers (about 32 KiB per
/// connection: a read buffer of about 18 KiB and a write buffer of about 17 KiB, allocated at the first record and
/// kept for the connection's life). OpenSSL allocates them again for the next record and frees them once it is
/// through; nginx sets the mode on every connection for the same reason.
/// </summary>
/// <remarks>
/// <para><b>This reaches into runtime internals.</b> .NET does not set the mode and offers no supported way to set
/// it (dotnet/runtime <c>pal_ssl.c</c>, <c>CryptoNative_SslCreate</c>). So this reads the stream's private
/// <c>_securityContext</c> field (a <c>SafeSslHandle</c> on Linux: the <c>SSL*</c>) and calls <c>SSL_ctrl</c> of the
/// <c>libssl.so.3</c> that the runtime itself loaded. Every step is checked once (<see cref="IsAvailable"/>): Linux,
/// <c>libssl.so.3</c> already mapped into this process (never a second copy of OpenSSL beside another version the
/// runtime chose), the <c>SSL_ctrl</c> export, and the field with the expected handle type. If any of them is not as
/// expected (another OS, another OpenSSL, a runtime whose internals moved), <see cref="TryEnable"/> does nothing
/// and returns false: the connection keeps its buffers, as it would without this class.</para>
/// <para>Thread-safety: call it once per stream, after the handshake and before anything reads or writes the stream
/// (the mode is a plain field of the <c>SSL</c> object).</para>
/// </remarks>
internal static class OpenSslBufferRelease
{
    private const string LibSsl = "libssl.so.3";
    private const int SslCtrlMode = 33;
    private const long SslModeReleaseBuffers = 0x10;
    private const string SslHandleType = "Microsoft.Win32.SafeHandles.SafeSslHandle";

    private static readonly Lazy<Access?> Native = new(Probe);

    private delegate long SslCtrl(nint ssl, int command, long argument, nint pointer);

    /// <summary>Whether this process can set the mode (see the remarks of the class); checked once.</summary>
    public static bool IsAvailable => Native.Value is not null;

    /// <summary>Sets <c>SSL_MODE_RELEASE_BUFFERS</c> on <paramref name="stream"/>'s OpenSSL connection.</summary>
    /// <returns>Whether the mode is now set; false (and nothing changed) when the stream or this process does not allow it.</returns>
    public static bool TryEnable(SslStream stream) => Apply(stream, SslModeReleaseBuffers) is { } mode && (mode & SslModeReleaseBuffers) != 0;

    /// <summary>Whether <c>SSL_MODE_RELEASE_BUFFERS</c> is set on <paramref name="stream"/>; null when that cannot be read.</summary>
    public static bool? IsEnabled(SslStream stream) => Apply(stream, 0) is { } mode ? (mode & SslModeReleaseBuffers) != 0 : null;

    /// <summary><c>SSL_ctrl(ssl, SSL_CTRL_MODE, bits)</c>: ORs <paramref name="bits"/> into the mode and returns the new mode.</summary>
    private static long? Apply(SslStream stream, long bits)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (Native.Value is not { } native || native.SecurityContext.GetValue(stream) is not SafeHandle handle
            || handle.GetType().FullName != SslHandleType || handle.IsInvalid || handle.IsClosed)
        {
            return null;
        }

        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            return native.Control(handle.DangerousGetHandle(), SslCtrlMode, bits, 0);
        }
        catch (ObjectDisposedException)
        {
            // The stream was closed meanwhile: nothing to release.
            return null;
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    private static Access? Probe()
    {
        try
        {
            if (!OperatingSystem.IsLinux() || !IsMapped(LibSsl) || !NativeLibrary.TryLoad(LibSsl, out var library)
                || !NativeLibrary.TryGetExport(library, "SSL_ctrl", out var export))
            {
                return null;
            }

            var field = typeof(SslStream).GetField("_securityContext", BindingFlags.Instance | BindingFlags.NonPublic);
            if (field is null || !typeof(SafeHandle).IsAssignableFrom(field.FieldType) && field.FieldType != typeof(object))
            {
                return null;
            }

            return new Access(field, Marshal.GetDelegateForFunctionPointer<SslCtrl>(export));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or DllNotFoundException or BadImageFormatException or MemberAccessException)
        {
            return null;
        }
    }

    /// <summary>Whether a library of that file name is mapped into this process already (loaded by the runtime).</summary>
    private static bool IsMapped(string fileName)
    {
        foreach (var line in File.ReadLines("/proc/self/maps"))
        {
            if (line.EndsWith("/" + fileName, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private sealed record Access(FieldInfo SecurityContext, SslCtrl Control);
}
