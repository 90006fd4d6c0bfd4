using System.Reflection;
using Microsoft.AspNetCore.Http;

namespace SentinelSync.AgentGateway.Internal;

/// <summary>
/// Replaces the 16 KiB header-encoding buffer that Kestrel keeps for the life of every HTTP/2 connection with a
/// small one. An agent connection carries one long stream whose response headers and trailers are written once
/// each and take well under 200 bytes; the 16 KiB array (the protocol's minimum frame size) was the largest single
/// object of an idle agent connection: 16 of its ~45 KiB of managed memory.
/// </summary>
/// <remarks>
/// <para><b>This reaches into Kestrel's internals.</b> Kestrel sizes the buffer by the peer's maximum frame size and
/// offers no setting for it. A smaller buffer is a case its own code handles: a header block that does not fit goes
/// out as a HEADERS frame and CONTINUATION frames, and a single header too large for the buffer is encoded into an
/// array rented for the moment (<c>Http2FrameWriter.FinishWritingHeadersUnsynchronized</c>). The buffer is swapped
/// under the frame writer's own write lock, so no header encoding is in progress meanwhile. Every member is looked up
/// once and checked (<see cref="IsAvailable"/>); where Kestrel's internals differ (another version), nothing is
/// changed and the connection keeps its buffer, as it would without this class.</para>
/// <para>A later SETTINGS frame that changes the peer's maximum frame size makes Kestrel allocate a full-size
/// buffer again; the agent's HTTP/2 client sends its settings once, in the connection preface.</para>
/// </remarks>
internal static class HeaderEncodingBufferShrink
{
    /// <summary>
    /// The buffer's new size: room for any response header block or trailers of the agent protocol (status,
    /// content type, date, gRPC status and message) in one frame.
    /// </summary>
    internal const int SmallBufferBytes = 512;

    private const string KestrelHttp2 = "Microsoft.AspNetCore.Server.Kestrel.Core.Internal.Http2.";
    private const BindingFlags Instance = BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public;

    private static readonly Lazy<Access?> Members = new(Probe);

    /// <summary>Whether this process's Kestrel has the members this class uses; checked once.</summary>
    public static bool IsAvailable => Members.Value is not null;

    /// <summary>
    /// Gives the HTTP/2 connection that carries <paramref name="context"/>'s stream the small buffer; a connection
    /// that has it already, or whose buffer was made larger than the frame size, is left alone.
    /// </summary>
    /// <returns>Whether the connection's buffer is the small one now; false (nothing changed) where that cannot be done.</returns>
    public static bool TryShrink(HttpContext context)
    {
        if (FrameWriter(context) is not { } writer || Members.Value is not { } members)
        {
            return false;
        }

        using (((Lock)members.WriteLock.GetValue(writer)!).EnterScope())
        {
            if (members.Buffer.GetValue(writer) is not byte[] buffer)
            {
                return false;
            }

            if (buffer.Length == (int)members.MaxFrameSize.GetValue(writer)!)
            {
                members.Buffer.SetValue(writer, new byte[SmallBufferBytes]);
                return true;
            }

            return buffer.Length == SmallBufferBytes;
        }
    }

    /// <summary>The size of the header-encoding buffer of <paramref name="context"/>'s connection; null where it cannot be read.</summary>
    public static int? BufferSize(HttpContext context) =>
        FrameWriter(context) is { } writer && Members.Value!.Buffer.GetValue(writer) is byte[] buffer ? buffer.Length : null;

    private static object? FrameWriter(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (Members.Value is not { } members)
        {
            return null;
        }

        // The feature collection of a Kestrel HTTP/2 request is its Http2Stream.
        var stream = context.Features;
        return members.StreamType.IsInstanceOfType(stream) && members.StreamContext.GetValue(stream) is { } streamContext
            ? members.FrameWriter.GetValue(streamContext)
            : null;
    }

    private static Access? Probe()
    {
        var kestrel = typeof(Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions).Assembly;
        var streamType = kestrel.GetType(KestrelHttp2 + "Http2Stream");
        var contextType = kestrel.GetType(KestrelHttp2 + "Http2StreamContext");
        var writerType = kestrel.GetType(KestrelHttp2 + "Http2FrameWriter");
        var streamContext = streamType?.GetField("_context", Instance);
        var frameWriter = contextType?.GetProperty("FrameWriter", Instance);
        var buffer = writerType?.GetField("_headerEncodingBuffer", Instance);
        var maxFrameSize = writerType?.GetField("_maxFrameSize", Instance);
        var writeLock = writerType?.GetField("_writeLock", Instance);
        var usable = streamType is not null && streamContext?.FieldType == contextType && frameWriter?.PropertyType == writerType
            && buffer?.FieldType == typeof(byte[]) && !buffer.IsInitOnly && maxFrameSize?.FieldType == typeof(int)
            && writeLock?.FieldType == typeof(Lock);
        return usable ? new Access(streamType!, streamContext!, frameWriter!, buffer!, maxFrameSize!, writeLock!) : null;
    }

    private sealed record Access(Type StreamType, FieldInfo StreamContext, PropertyInfo FrameWriter, FieldInfo Buffer, FieldInfo MaxFrameSize, FieldInfo WriteLock);
}
