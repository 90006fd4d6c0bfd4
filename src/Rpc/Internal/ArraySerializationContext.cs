using System.Buffers;

namespace Grpc.Core.Internal;

/// <summary>Collects one serialized message into an array, for array-based marshalling.</summary>
internal sealed class ArraySerializationContext : SerializationContext
{
    private byte[]? _payload;
    private ArrayBufferWriter<byte>? _writer;

    public override void Complete(byte[] payload) => _payload = payload;

    public override IBufferWriter<byte> GetBufferWriter() => _writer ??= new ArrayBufferWriter<byte>();

    public override void Complete() => _payload = _writer?.WrittenSpan.ToArray() ?? [];

    public byte[] GetPayload() => _payload ?? throw new InvalidOperationException("The serializer did not complete the message.");
}
