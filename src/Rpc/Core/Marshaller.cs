namespace Grpc.Core;

/// <summary>Turns messages of one type into bytes and back.</summary>
/// <remarks>
/// Either pair of functions may be given; the other pair is derived from it. The contextual pair avoids
/// copies: it writes straight into the transport's buffer and reads from the received segments.
/// </remarks>
public class Marshaller<T>
{
    /// <summary>Creates a marshaller from array-based functions.</summary>
    public Marshaller(Func<T, byte[]> serializer, Func<byte[], T> deserializer)
    {
        Serializer = serializer ?? throw new ArgumentNullException(nameof(serializer));
        Deserializer = deserializer ?? throw new ArgumentNullException(nameof(deserializer));
        ContextualSerializer = (message, context) => context.Complete(Serializer(message));
        ContextualDeserializer = context => Deserializer(context.PayloadAsNewBuffer());
    }

    /// <summary>Creates a marshaller from contextual (buffer-based) functions.</summary>
    public Marshaller(Action<T, SerializationContext> serializer, Func<DeserializationContext, T> deserializer)
    {
        ContextualSerializer = serializer ?? throw new ArgumentNullException(nameof(serializer));
        ContextualDeserializer = deserializer ?? throw new ArgumentNullException(nameof(deserializer));
        Serializer = message =>
        {
            var context = new Internal.ArraySerializationContext();
            ContextualSerializer(message, context);
            return context.GetPayload();
        };
        Deserializer = payload => ContextualDeserializer(new Internal.ArrayDeserializationContext(payload));
    }

    /// <summary>Serializes a message to a new array.</summary>
    public Func<T, byte[]> Serializer { get; }

    /// <summary>Deserializes a message from an array.</summary>
    public Func<byte[], T> Deserializer { get; }

    /// <summary>Serializes a message into a <see cref="SerializationContext"/>.</summary>
    public Action<T, SerializationContext> ContextualSerializer { get; }

    /// <summary>Deserializes a message from a <see cref="DeserializationContext"/>.</summary>
    public Func<DeserializationContext, T> ContextualDeserializer { get; }
}
