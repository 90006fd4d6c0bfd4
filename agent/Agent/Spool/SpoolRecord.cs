using System.Buffers;
using System.Buffers.Binary;
using Google.Protobuf;

namespace SentinelSync.Agent.Spool;

/// <summary>
/// The on-disk record: <c>crc32 (4) | payload length (4) | sequence (8) | payload</c>, little endian,
/// the CRC covering everything after itself.
/// </summary>
internal static class SpoolRecord
{
    public const int HeaderBytes = 16;

    /// <summary>Larger lengths are corruption, not records: nothing the agent sends comes near.</summary>
    public const int MaxPayloadBytes = 16 * 1024 * 1024;

    public static int SizeOf(IMessage message) => HeaderBytes + message.CalculateSize();

    /// <summary>Writes one record with a single write call; returns its size on disk.</summary>
    public static int Write(Stream stream, ulong sequence, IMessage message)
    {
        var payloadBytes = message.CalculateSize();
        var size = HeaderBytes + payloadBytes;
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            var record = buffer.AsSpan(0, size);
            BinaryPrimitives.WriteInt32LittleEndian(record[4..], payloadBytes);
            BinaryPrimitives.WriteUInt64LittleEndian(record[8..], sequence);
            message.WriteTo(record[HeaderBytes..]);
            BinaryPrimitives.WriteUInt32LittleEndian(record, Crc32.Compute(record[4..]));
            stream.Write(record);
            return size;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
