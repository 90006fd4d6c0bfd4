using System.Buffers;

namespace Grpc.Core.Internal;

/// <summary>A payload held in an array.</summary>
internal sealed class ArrayDeserializationContext : DeserializationContext
{
    private readonly byte[] _payload;

    public ArrayDeserializationContext(byte[] payload) => _payload = payload;

    public override int PayloadLength => _payload.Length;

    public override byte[] PayloadAsNewBuffer() => (byte[])_payload.Clone();

    public override ReadOnlySequence<byte> PayloadAsReadOnlySequence() => new(_payload);
}
