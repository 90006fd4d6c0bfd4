using System.Buffers;

namespace Grpc.Core.Internal;

/// <summary>A received payload as the transport holds it, without a copy. Reused for every message of a call.</summary>
internal sealed class SequenceDeserializationContext : DeserializationContext
{
    private ReadOnlySequence<byte> _payload;

    public override int PayloadLength => checked((int)_payload.Length);

    /// <summary>Whether the last message read had the compressed flag set (it is decompressed by then).</summary>
    public bool PayloadWasCompressed { get; set; }

    public void SetPayload(in ReadOnlySequence<byte> payload) => _payload = payload;

    public void Clear() => _payload = default;

    public override ReadOnlySequence<byte> PayloadAsReadOnlySequence() => _payload;
}
