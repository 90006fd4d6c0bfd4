using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using Google.Protobuf;
using Grpc.Net.Compression;

namespace Grpc.Core.Internal;

/// <summary>
/// Reads length-prefixed gRPC messages from a pipe. Message boundaries are independent of the
/// transport's DATA frames: a message may span many frames and a frame may hold many messages.
/// </summary>
internal static class MessageReader
{
    /// <summary>Reads the next message; returns false at the clean end of the stream.</summary>
    /// <param name="reader">The body.</param>
    /// <param name="deserializer">Turns a payload into a message.</param>
    /// <param name="context">Reused deserialization context of the call.</param>
    /// <param name="maxMessageSize">Largest accepted payload (compressed and decompressed); null for no limit.</param>
    /// <param name="decompressor">The provider named by the peer's <c>grpc-encoding</c>, or null for identity.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="RpcException">RESOURCE_EXHAUSTED for a message over the limit (before reading it), INTERNAL for a truncated or unreadable message.</exception>
    /// <remarks>
    /// Pooled state machine: a read of a long, mostly idle stream waits seconds for its message, long enough for its
    /// state machine to be promoted by the collector; pooled, the next read of the stream reuses it instead of leaving
    /// one dead object in the oldest generation per message. Every caller awaits the result once.
    /// </remarks>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<(bool Read, T? Message)> ReadAsync<T>(
        PipeReader reader,
        Func<DeserializationContext, T> deserializer,
        SequenceDeserializationContext context,
        int? maxMessageSize,
        ICompressionProvider? decompressor,
        CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (TryReadHeader(buffer, maxMessageSize, out var compressed, out var length) && buffer.Length >= GrpcProtocol.MessageHeaderSize + length)
            {
                var payload = buffer.Slice(GrpcProtocol.MessageHeaderSize, length);
                context.PayloadWasCompressed = compressed;
                try
                {
                    return (true, Deserialize(payload, compressed, deserializer, context, maxMessageSize, decompressor));
                }
                finally
                {
                    context.Clear();
                    reader.AdvanceTo(payload.End);
                }
            }

            if (result.IsCompleted)
            {
                reader.AdvanceTo(buffer.End);
                if (buffer.Length == 0)
                {
                    return (false, default);
                }

                throw new RpcException(new Status(StatusCode.Internal, "The stream ended inside a message: the message is incomplete."));
            }

            if (result.IsCanceled)
            {
                reader.AdvanceTo(buffer.Start);
                throw new OperationCanceledException("The read was cancelled.");
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static bool TryReadHeader(in ReadOnlySequence<byte> buffer, int? maxMessageSize, out bool compressed, out int length)
    {
        compressed = false;
        length = 0;
        if (buffer.Length < GrpcProtocol.MessageHeaderSize)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[GrpcProtocol.MessageHeaderSize];
        buffer.Slice(0, GrpcProtocol.MessageHeaderSize).CopyTo(header);
        compressed = header[0] switch
        {
            0 => false,
            1 => true,
            _ => throw new RpcException(new Status(StatusCode.Internal, $"Invalid compressed flag {header[0]} in a message prefix.")),
        };
        var declared = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        if (declared > (uint)(maxMessageSize ?? int.MaxValue))
        {
            // Refuse before buffering a byte of the payload.
            throw new RpcException(new Status(StatusCode.ResourceExhausted, $"Received message of {declared} bytes exceeds the limit of {maxMessageSize} bytes."));
        }

        length = (int)declared;
        return true;
    }

    private static T Deserialize<T>(
        in ReadOnlySequence<byte> payload,
        bool compressed,
        Func<DeserializationContext, T> deserializer,
        SequenceDeserializationContext context,
        int? maxMessageSize,
        ICompressionProvider? decompressor)
    {
        if (compressed)
        {
            if (decompressor is null)
            {
                throw new RpcException(new Status(StatusCode.Internal, "A message is flagged as compressed, but the call has no grpc-encoding."));
            }

            context.SetPayload(new ReadOnlySequence<byte>(Decompress(payload, decompressor, maxMessageSize)));
        }
        else
        {
            context.SetPayload(payload);
        }

        try
        {
            return deserializer(context);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new RpcException(new Status(StatusCode.Internal, "Failed to deserialize a message: " + ex.Message, ex));
        }
    }

    private static byte[] Decompress(in ReadOnlySequence<byte> payload, ICompressionProvider decompressor, int? maxMessageSize)
    {
        var limit = maxMessageSize ?? int.MaxValue;
        using var input = new MemoryStream(payload.ToArray(), writable: false);
        using var decompressing = decompressor.CreateDecompressionStream(input);
        using var output = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = decompressing.Read(chunk, 0, chunk.Length)) > 0)
            {
                if (output.Length + read > limit)
                {
                    throw new RpcException(new Status(StatusCode.ResourceExhausted, $"Received message exceeds the limit of {limit} bytes once decompressed."));
                }

                output.Write(chunk, 0, read);
            }
        }
        catch (InvalidDataException ex)
        {
            throw new RpcException(new Status(StatusCode.Internal, $"Failed to decompress a message with '{decompressor.EncodingName}': {ex.Message}", ex));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return output.ToArray();
    }
}
