using System.Buffers;

namespace Grpc.Core;

/// <summary>One received message's payload, handed to a marshaller.</summary>
public abstract class DeserializationContext
{
    /// <summary>The payload's length in bytes.</summary>
    public abstract int PayloadLength { get; }

    /// <summary>Copies the payload into a new array.</summary>
    public virtual byte[] PayloadAsNewBuffer() => PayloadAsReadOnlySequence().ToArray();

    /// <summary>The payload without a copy; valid only until the deserializer returns.</summary>
    public abstract ReadOnlySequence<byte> PayloadAsReadOnlySequence();
}
