using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Pipelines;

namespace SentinelSync.Rpc.Tests.Infrastructure;

/// <summary>
/// An independent implementation of gRPC length-prefixed framing for the fake servers, so the client is
/// not checked against its own code.
/// </summary>
internal static class GrpcFrames
{
    public static byte[] Frame(ReadOnlySpan<byte> payload, bool compressedFlag = false)
    {
        var frame = new byte[5 + payload.Length];
        frame[0] = compressedFlag ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(frame.AsSpan(5));
        return frame;
    }

    public static byte[] Gzip(ReadOnlySpan<byte> payload)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(payload);
        }

        return output.ToArray();
    }

    public static byte[] Gunzip(byte[] payload)
    {
        using var input = new MemoryStream(payload);
        using var gzip = new GZipStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        gzip.CopyTo(output);
        return output.ToArray();
    }

    /// <summary>Reads the next frame, or null at the end of the body.</summary>
    public static async Task<(bool Compressed, byte[] Payload)?> ReadFrameAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            if (buffer.Length >= 5)
            {
                var header = buffer.Slice(0, 5).ToArray();
                var length = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(1));
                if (buffer.Length >= 5 + length)
                {
                    var payload = buffer.Slice(5, length).ToArray();
                    reader.AdvanceTo(buffer.GetPosition(5 + length));
                    return (header[0] == 1, payload);
                }
            }

            if (result.IsCompleted)
            {
                reader.AdvanceTo(buffer.End);
                return buffer.IsEmpty ? null : throw new InvalidDataException($"The body ended inside a frame ({buffer.Length} bytes left).");
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>Reads every frame of a body.</summary>
    public static async Task<List<(bool Compressed, byte[] Payload)>> ReadAllAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        var frames = new List<(bool, byte[])>();
        while (await ReadFrameAsync(reader, cancellationToken) is { } frame)
        {
            frames.Add(frame);
        }

        return frames;
    }
}
