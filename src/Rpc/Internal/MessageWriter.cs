using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Pipelines;
using Grpc.Net.Compression;

namespace Grpc.Core.Internal;

/// <summary>
/// Writes length-prefixed gRPC messages into a pipe. One instance per call and direction; not thread-safe.
/// </summary>
/// <remarks>
/// When the serializer announces its length (protobuf does) and the message is not compressed, it
/// serializes straight into the pipe behind the prefix: no intermediate copy.
/// </remarks>
internal sealed class MessageWriter : SerializationContext
{
    private readonly int? _maxMessageSize;
    private PipeWriter? _pipe;
    private ArrayBufferWriter<byte>? _buffer;
    private ICompressionProvider? _compressor;
    private CompressionLevel? _compressionLevel;
    private State _state;

    public MessageWriter(int? maxMessageSize) => _maxMessageSize = maxMessageSize;

    private enum State
    {
        Idle,
        Direct,
        Buffered,
    }

    /// <summary>Serializes a message into the pipe (without flushing).</summary>
    /// <param name="pipe">Where the framed message goes.</param>
    /// <param name="message">The message.</param>
    /// <param name="serializer">The marshaller's contextual serializer.</param>
    /// <param name="compressor">Compresses the message, or null to send it as it is.</param>
    /// <param name="compressionLevel">The level, or null for the provider's default.</param>
    /// <exception cref="RpcException">RESOURCE_EXHAUSTED when the message exceeds the send limit.</exception>
    public void Write<T>(PipeWriter pipe, T message, Action<T, SerializationContext> serializer, ICompressionProvider? compressor, CompressionLevel? compressionLevel)
    {
        _pipe = pipe;
        _compressor = compressor;
        _compressionLevel = compressionLevel;
        _state = State.Idle;
        try
        {
            serializer(message, this);
        }
        finally
        {
            _pipe = null;
            _compressor = null;
            _buffer?.ResetWrittenCount();
        }
    }

    public override void SetPayloadLength(int payloadLength)
    {
        if (_compressor is not null)
        {
            return;
        }

        CheckSize(payloadLength);
        WriteHeader(_pipe!, compressed: false, payloadLength);
        _state = State.Direct;
    }

    public override IBufferWriter<byte> GetBufferWriter()
    {
        if (_state == State.Direct)
        {
            return _pipe!;
        }

        _state = State.Buffered;
        return _buffer ??= new ArrayBufferWriter<byte>();
    }

    public override void Complete()
    {
        if (_state == State.Buffered)
        {
            WriteFramed(_buffer!.WrittenSpan);
        }

        _state = State.Idle;
    }

    public override void Complete(byte[] payload)
    {
        WriteFramed(payload);
        _state = State.Idle;
    }

    private void WriteFramed(ReadOnlySpan<byte> payload)
    {
        var pipe = _pipe!;
        if (_compressor is null)
        {
            CheckSize(payload.Length);
            WriteHeader(pipe, compressed: false, payload.Length);
            pipe.Write(payload);
            return;
        }

        using var compressed = new MemoryStream();
        using (var compressing = _compressor.CreateCompressionStream(compressed, _compressionLevel))
        {
            compressing.Write(payload);
        }

        CheckSize(checked((int)compressed.Length));
        WriteHeader(pipe, compressed: true, (int)compressed.Length);
        pipe.Write(compressed.GetBuffer().AsSpan(0, (int)compressed.Length));
    }

    private void CheckSize(int payloadLength)
    {
        if (payloadLength > _maxMessageSize)
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted, $"Sending message of {payloadLength} bytes exceeds the limit of {_maxMessageSize} bytes."));
        }
    }

    private static void WriteHeader(PipeWriter pipe, bool compressed, int length)
    {
        var header = pipe.GetSpan(GrpcProtocol.MessageHeaderSize);
        header[0] = compressed ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(header[1..], (uint)length);
        pipe.Advance(GrpcProtocol.MessageHeaderSize);
    }
}
