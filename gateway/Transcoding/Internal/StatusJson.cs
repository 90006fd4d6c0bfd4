using System.Buffers;
using System.Text.Json;
using Grpc.Core;

namespace SentinelSync.Gateway.Transcoding.Internal;

/// <summary>Writes a status as the JSON form of google.rpc.Status: <c>{"code":5,"message":"…","details":[]}</c>.</summary>
internal static class StatusJson
{
    public static byte[] Format(StatusCode code, string message)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, code, message);
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static void Write(Utf8JsonWriter writer, StatusCode code, string message)
    {
        writer.WriteStartObject();
        writer.WriteNumber("code", (int)code);
        writer.WriteString("message", message);
        writer.WriteStartArray("details");
        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
