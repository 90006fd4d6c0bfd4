using System.Buffers;
using System.Buffers.Binary;
using Google.Protobuf;

namespace SentinelSync.Bench.Rpc;

/// <summary>
/// gRPC's length prefix (one compressed-flag byte, four bytes of big-endian length), written by hand
/// for the raw endpoints, the raw reader and the request file h2load sends.
/// </summary>
internal static class Framing
{
    public const int PrefixSize = 5;

    public static byte[] Frame(IMessage message)
    {
        var framed = new byte[PrefixSize + message.CalculateSize()];
        Write(framed, message);
        return framed;
    }

    /// <summary>Writes the prefixed message into the writer; nothing is flushed.</summary>
    public static void Write(IBufferWriter<byte> writer, IMessage message)
    {
        var size = PrefixSize + message.CalculateSize();
        Write(writer.GetSpan(size)[..size], message);
        writer.Advance(size);
    }

    /// <summary>Reads a prefix at the start of the buffer: the length of an uncompressed message, or null when the buffer holds no whole prefix yet.</summary>
    /// <exception cref="InvalidDataException">The message is compressed or longer than <paramref name="maxLength"/>.</exception>
    public static uint? ReadPrefix(in ReadOnlySequence<byte> buffer, uint maxLength)
    {
        if (buffer.Length < PrefixSize)
        {
            return null;
        }

        Span<byte> prefix = stackalloc byte[PrefixSize];
        buffer.Slice(0, PrefixSize).CopyTo(prefix);
        var length = BinaryPrimitives.ReadUInt32BigEndian(prefix[1..]);
        if (prefix[0] != 0 || length > maxLength)
        {
            throw new InvalidDataException($"Unexpected message prefix: compressed flag {prefix[0]}, length {length} (limit {maxLength}).");
        }

        return length;
    }

    private static void Write(Span<byte> destination, IMessage message)
    {
        destination[0] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(destination[1..], (uint)(destination.Length - PrefixSize));
        message.WriteTo(destination[PrefixSize..]);
    }
}
