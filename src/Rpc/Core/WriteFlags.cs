namespace Grpc.Core;

/// <summary>Flags for one write.</summary>
[Flags]
public enum WriteFlags
{
    /// <summary>The write may be buffered instead of flushed at once.</summary>
    BufferHint = 0x1,

    /// <summary>The message is sent uncompressed even when the call compresses.</summary>
    NoCompress = 0x2,
}
