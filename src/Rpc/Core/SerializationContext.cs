using System.Buffers;

namespace Grpc.Core;

/// <summary>Where a marshaller writes one serialized message.</summary>
/// <remarks>
/// A serializer either calls <see cref="Complete(byte[])"/> once with the whole payload, or optionally
/// <see cref="SetPayloadLength"/>, then writes through <see cref="GetBufferWriter"/> and calls
/// <see cref="Complete()"/>.
/// </remarks>
public abstract class SerializationContext
{
    /// <summary>Completes the message with a whole payload.</summary>
    public virtual void Complete(byte[] payload) => throw new NotImplementedException();

    /// <summary>A buffer writer to serialize into.</summary>
    public virtual IBufferWriter<byte> GetBufferWriter() => throw new NotImplementedException();

    /// <summary>Announces the payload's length before it is written, when known.</summary>
    public virtual void SetPayloadLength(int payloadLength)
    {
    }

    /// <summary>Completes a message written through <see cref="GetBufferWriter"/>.</summary>
    public virtual void Complete() => throw new NotImplementedException();
}
