using System.Text.Json;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace SentinelSync.Gateway.Transcoding.Internal;

/// <summary>
/// Formats responses as proto3 JSON (enums as names, 64-bit integers as strings, well-known types in their
/// JSON forms, unpopulated fields left out, like grpc-gateway's <c>emitUnpopulated: false</c>), honouring
/// the binding's <c>response_body</c>. Thread-safe.
/// </summary>
internal static class ResponseJson
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(false));

    public static string Format(HttpBinding binding, IMessage response)
    {
        var json = Formatter.Format(response);
        if (binding.ResponseBodyField is not { } field)
        {
            return json;
        }

        using var document = JsonDocument.Parse(json);
        return document.RootElement.TryGetProperty(field.JsonName, out var value) ? value.GetRawText() : DefaultJson(field);
    }

    /// <summary>The JSON of a field left at its default, for a <c>response_body</c> that names it.</summary>
    private static string DefaultJson(FieldDescriptor field)
    {
        if (field.IsMap)
        {
            return "{}";
        }

        if (field.IsRepeated)
        {
            return "[]";
        }

        return field.FieldType switch
        {
            FieldType.Message => WellKnownTypes.IsScalarLike(field.MessageType) ? "null" : "{}",
            FieldType.String or FieldType.Bytes => "\"\"",
            FieldType.Bool => "false",
            FieldType.Enum => JsonSerializer.Serialize(field.EnumType.FindValueByNumber(0)?.Name ?? "0"),
            FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 or FieldType.UInt64 or FieldType.Fixed64 => "\"0\"",
            _ => "0",
        };
    }
}
