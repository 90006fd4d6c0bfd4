using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace SentinelSync.Gateway.Transcoding.Internal;

/// <summary>
/// Finds which field of a JSON document the proto3 JSON parser rejected, so that a 400 can name it:
/// Google.Protobuf's parser reports what was wrong, not where.
/// </summary>
internal static class JsonErrorLocator
{
    /// <summary>
    /// Describes why <paramref name="json"/> is not a valid <paramref name="message"/>, naming the field
    /// (a JSON path such as <c>token.labels</c> or <c>series[1].points</c>).
    /// </summary>
    public static string Describe(MessageDescriptor message, string json, JsonParser parser, Exception parseError)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 100 });
        }
        catch (JsonException)
        {
            return DescribeSyntaxError(json);
        }

        using (document)
        {
            return Locate(message, document.RootElement, string.Empty, parser) ?? parseError.Message;
        }
    }

    /// <summary>Why the value of one field or parameter failed, phrased for a person.</summary>
    public static string Reason(Exception exception) => exception.Message.TrimEnd('.');

    private static string? Locate(MessageDescriptor message, JsonElement element, string path, JsonParser parser)
    {
        if (WellKnownTypes.IsWellKnown(message))
        {
            return TryParse(parser, message, element.GetRawText()) is { } error ? Field(path, Reason(error)) : null;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            return Field(path, $"expected a JSON object for {message.Name}, got {Describe(element.ValueKind)}");
        }

        foreach (var property in element.EnumerateObject())
        {
            var field = message.FindFieldByName(property.Name) ?? message.Fields.InDeclarationOrder().FirstOrDefault(f => f.JsonName == property.Name);
            var fieldPath = path.Length == 0 ? property.Name : path + "." + property.Name;
            if (field is null)
            {
                return $"unknown field '{fieldPath}': {message.FullName} has no field '{property.Name}'";
            }

            var single = new StringBuilder().Append("{").Append(JsonSerializer.Serialize(property.Name)).Append(':').Append(property.Value.GetRawText()).Append('}').ToString();
            if (TryParse(parser, message, single) is not { } error)
            {
                continue;
            }

            // Descend into messages so the innermost field is named.
            if (field.FieldType == FieldType.Message && property.Value.ValueKind != JsonValueKind.Null)
            {
                if (field.IsMap)
                {
                    var valueField = field.MessageType.FindFieldByNumber(2);
                    if (valueField.FieldType == FieldType.Message && property.Value.ValueKind == JsonValueKind.Object)
                    {
                        foreach (var entry in property.Value.EnumerateObject())
                        {
                            if (Locate(valueField.MessageType, entry.Value, $"{fieldPath}[{entry.Name}]", parser) is { } inner)
                            {
                                return inner;
                            }
                        }
                    }
                }
                else if (field.IsRepeated && property.Value.ValueKind == JsonValueKind.Array)
                {
                    var index = 0;
                    foreach (var item in property.Value.EnumerateArray())
                    {
                        if (Locate(field.MessageType, item, $"{fieldPath}[{index}]", parser) is { } inner)
                        {
                            return inner;
                        }

                        index++;
                    }
                }
                else if (!field.IsRepeated && Locate(field.MessageType, property.Value, fieldPath, parser) is { } inner)
                {
                    return inner;
                }
            }

            return Field(fieldPath, Reason(error));
        }

        return null;
    }

    private static Exception? TryParse(JsonParser parser, MessageDescriptor message, string json)
    {
        try
        {
            parser.Parse(json, message);
            return null;
        }
        catch (Exception ex) when (ex is InvalidProtocolBufferException or InvalidJsonException or FormatException or OverflowException or ArgumentException or InvalidOperationException)
        {
            return ex;
        }
    }

    /// <summary>A syntax error: where it is, and the last field name read before it.</summary>
    private static string DescribeSyntaxError(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { MaxDepth = 100 });
        var stack = new List<string>();
        string? lastProperty = null;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        lastProperty = reader.GetString();
                        break;
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        stack.Add(lastProperty ?? string.Empty);
                        lastProperty = null;
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        if (stack.Count > 0)
                        {
                            stack.RemoveAt(stack.Count - 1);
                        }

                        lastProperty = null;
                        break;
                }
            }

            return "malformed JSON: the document ended early";
        }
        catch (JsonException ex)
        {
            var names = stack.Where(name => name.Length > 0).ToList();
            if (lastProperty is not null)
            {
                names.Add(lastProperty);
            }

            var where = $"line {(ex.LineNumber ?? 0) + 1}, byte {(ex.BytePositionInLine ?? 0) + 1}";
            return names.Count == 0
                ? $"malformed JSON at {where}"
                : $"malformed JSON in field '{string.Join('.', names)}' at {where}";
        }
    }

    private static string Field(string path, string reason) =>
        path.Length == 0 ? reason : $"invalid value for field '{path}': {reason}";

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString(),
    };
}
