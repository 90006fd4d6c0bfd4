using System.Buffers.Binary;

namespace SentinelSync.Agent.Spool;

/// <summary>Reads the records of one segment in order and says where the last good one ended.</summary>
internal sealed class SpoolRecordReader(Stream stream)
{
    private readonly byte[] _header = new byte[SpoolRecord.HeaderBytes];
    private byte[] _payload = new byte[4096];
    private ulong _lastSequence;

    /// <summary>The offset just past the last good record: where a damaged segment is cut.</summary>
    public long GoodLength { get; private set; }

    public ulong Sequence { get; private set; }

    public ReadOnlyMemory<byte> Payload { get; private set; }

    public SpoolReadStatus Next()
    {
        var headerRead = stream.ReadAtLeast(_header, _header.Length, throwOnEndOfStream: false);
        if (headerRead == 0)
        {
            return SpoolReadStatus.End;
        }

        if (headerRead < _header.Length)
        {
            return SpoolReadStatus.Torn;
        }

        var crc = BinaryPrimitives.ReadUInt32LittleEndian(_header);
        var length = BinaryPrimitives.ReadInt32LittleEndian(_header.AsSpan(4));
        var sequence = BinaryPrimitives.ReadUInt64LittleEndian(_header.AsSpan(8));
        if (length is < 0 or > SpoolRecord.MaxPayloadBytes || sequence <= _lastSequence)
        {
            return SpoolReadStatus.Corrupt;
        }

        if (_payload.Length < length)
        {
            _payload = new byte[Math.Max(length, _payload.Length * 2)];
        }

        if (stream.ReadAtLeast(_payload.AsSpan(0, length), length, throwOnEndOfStream: false) < length)
        {
            return SpoolReadStatus.Torn;
        }

        if (Crc32.Append(Crc32.Compute(_header.AsSpan(4)), _payload.AsSpan(0, length)) != crc)
        {
            return SpoolReadStatus.Corrupt;
        }

        _lastSequence = sequence;
        Sequence = sequence;
        Payload = _payload.AsMemory(0, length);
        GoodLength += SpoolRecord.HeaderBytes + length;
        return SpoolReadStatus.Record;
    }
}
