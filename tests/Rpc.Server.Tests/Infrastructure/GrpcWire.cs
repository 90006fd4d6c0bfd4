using System.Buffers.Binary;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;

namespace SentinelSync.Rpc.Server.Tests;

/// <summary>The gRPC wire format, written and read byte by byte, independent of the runtime under test.</summary>
public static class GrpcWire
{
    /// <summary>A length-prefixed message: flag byte, four-byte big-endian length, payload.</summary>
    public static byte[] Frame(ReadOnlySpan<byte> payload, bool compressedFlag = false)
    {
        var frame = new byte[5 + payload.Length];
        frame[0] = compressedFlag ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(frame.AsSpan(5));
        return frame;
    }

    public static byte[] Frame(IMessage message) => Frame(message.ToByteArray());

    /// <summary>Only the five-byte prefix, announcing a payload of <paramref name="length"/> bytes.</summary>
    public static byte[] Prefix(uint length, bool compressedFlag = false)
    {
        var prefix = new byte[5];
        prefix[0] = compressedFlag ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(prefix.AsSpan(1), length);
        return prefix;
    }

    public static byte[] Gzip(byte[] payload)
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

    /// <summary>A POST to a gRPC path over HTTP/2 (prior knowledge), with the headers a gRPC client sends.</summary>
    public static HttpRequestMessage Request(string path, HttpContent content, string contentType = "application/grpc")
    {
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        request.Headers.TryAddWithoutValidation("te", "trailers");
        return request;
    }

    public static HttpRequestMessage Request(string path, params byte[][] frames) => Request(path, new ByteArrayContent(frames.SelectMany(f => f).ToArray()));

    /// <summary>Sends a call and reads its whole response: messages, headers, trailers.</summary>
    public static async Task<GrpcResult> CallAsync(HttpClient client, HttpRequestMessage request)
    {
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(TestTimeouts.Call);
        return await GrpcResult.ReadAsync(response).WaitAsync(TestTimeouts.Call);
    }

    /// <summary>Splits a response body into its length-prefixed messages.</summary>
    public static List<GrpcMessage> ParseMessages(ReadOnlySpan<byte> body)
    {
        var messages = new List<GrpcMessage>();
        while (!body.IsEmpty)
        {
            if (body.Length < 5)
            {
                throw new InvalidDataException($"A message prefix was cut short: {body.Length} bytes left.");
            }

            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(body[1..]);
            messages.Add(new GrpcMessage(body[0] == 1, body.Slice(5, length).ToArray()));
            body = body[(5 + length)..];
        }

        return messages;
    }
}
