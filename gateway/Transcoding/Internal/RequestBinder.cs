using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Microsoft.Extensions.Primitives;

namespace SentinelSync.Gateway.Transcoding.Internal;

/// <summary>
/// Builds the request message of a binding from the path variables, the query and the body.
/// </summary>
/// <remarks>
/// The order follows google.api.http: (1) the body (<c>*</c>: the whole request; a field name: that field),
/// (2) path variables, which override what the body said, (3) query parameters for every field the path and
/// body leave free, by proto or JSON name, nested with dots, repeated by repeating the parameter. Like
/// grpc-gateway, a query parameter that names no field is ignored; one that names a map or message field,
/// or repeats a singular field, is an error. Values are converted by the proto3 JSON parser, so every
/// scalar type, enums (by name or number) and the scalar-like well-known types (Timestamp, Duration,
/// FieldMask, wrappers) read exactly as they would in a JSON body. Unknown body fields are an error.
/// Thread-safe.
/// </remarks>
internal static class RequestBinder
{
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(false));

    /// <summary>Builds the request.</summary>
    /// <param name="binding">The binding that matched.</param>
    /// <param name="pathValues">Decoded path variable values by field path.</param>
    /// <param name="query">The query parameters.</param>
    /// <param name="body">The request body as text; null or empty for none.</param>
    /// <param name="ignoredQuery">Told about each query parameter that names no field.</param>
    /// <exception cref="TranscodingException">INVALID_ARGUMENT naming the parameter or field at fault.</exception>
    public static IMessage Bind(
        HttpBinding binding,
        IReadOnlyDictionary<string, string> pathValues,
        IEnumerable<KeyValuePair<string, StringValues>> query,
        string? body,
        Action<string>? ignoredQuery = null)
    {
        var input = binding.Method.InputType;

        // 1. The body: the request as it says, or an empty one.
        var request = binding.HasBody && !string.IsNullOrWhiteSpace(body)
            ? ParseBody(binding, body)
            : input.Parser.ParseFrom(ByteString.Empty);

        // 2. Path variables override the body.
        for (var i = 0; i < binding.Template.Variables.Count; i++)
        {
            var variable = binding.Template.Variables[i];
            if (!pathValues.TryGetValue(variable.FieldPath, out var value))
            {
                continue;
            }

            var fields = binding.PathFields[i];
            var json = BuildJson(fields, ToJson(fields[^1], value, $"path parameter '{variable.FieldPath}'"));
            request.MergeFrom(ParseValue(input, json, $"path parameter '{variable.FieldPath}'").ToByteString());
        }

        // 3. The query, for what the path and body leave free.
        if (!binding.BodyIsWholeRequest)
        {
            foreach (var (key, values) in query)
            {
                BindQueryParameter(binding, request, key, values, ignoredQuery);
            }
        }

        return request;
    }

    /// <summary>Finds a field by proto name or by JSON name.</summary>
    internal static FieldDescriptor? FindField(MessageDescriptor message, string name) =>
        message.FindFieldByName(name) ?? message.Fields.InDeclarationOrder().FirstOrDefault(f => f.JsonName == name);

    private static IMessage ParseBody(HttpBinding binding, string body)
    {
        var input = binding.Method.InputType;
        if (binding.BodyIsWholeRequest)
        {
            return ParseJson(input, body, input, body);
        }

        // A field body: wrap the one JSON value as that field of the request. The value is parsed on its own
        // first, so that trailing text cannot smuggle in other fields.
        var field = binding.BodyField!;
        string raw;
        try
        {
            using var document = JsonDocument.Parse(body);
            raw = document.RootElement.GetRawText();
        }
        catch (JsonException)
        {
            var description = JsonErrorLocator.Describe(input, body, Parser, new FormatException("malformed JSON"));
            throw TranscodingException.InvalidArgument($"The request body ({field.Name}) is not valid JSON: {description}.");
        }

        var wrapped = "{" + JsonSerializer.Serialize(field.JsonName) + ":" + raw + "}";
        return ParseJson(input, wrapped, input, wrapped);
    }

    private static IMessage ParseJson(MessageDescriptor message, string json, MessageDescriptor describeAs, string describeJson)
    {
        try
        {
            return Parser.Parse(json, message);
        }
        catch (Exception ex) when (IsParseError(ex))
        {
            var description = JsonErrorLocator.Describe(describeAs, describeJson, Parser, ex);
            throw TranscodingException.InvalidArgument($"The request body is not a valid {message.FullName}: {description}.", ex);
        }
    }

    private static IMessage ParseValue(MessageDescriptor message, JsonNode json, string what)
    {
        try
        {
            return Parser.Parse(json.ToJsonString(), message);
        }
        catch (Exception ex) when (IsParseError(ex))
        {
            throw TranscodingException.InvalidArgument($"Invalid {what}: {JsonErrorLocator.Reason(ex)}.", ex);
        }
    }

    private static void BindQueryParameter(HttpBinding binding, IMessage request, string key, StringValues values, Action<string>? ignoredQuery)
    {
        var names = key.Split('.');
        var fields = new List<FieldDescriptor>(names.Length);
        var current = binding.Method.InputType;
        foreach (var name in names)
        {
            var field = current is null ? null : FindField(current, name);
            if (field is null)
            {
                ignoredQuery?.Invoke(key);
                return;
            }

            fields.Add(field);
            current = field.FieldType == FieldType.Message && !field.IsRepeated ? field.MessageType : null;
        }

        // Fields the path or body already bind are not the query's to set.
        if (binding.BodyField is { } bodyField && fields[0] == bodyField)
        {
            ignoredQuery?.Invoke(key);
            return;
        }

        foreach (var pathFields in binding.PathFields)
        {
            if (pathFields.Count <= fields.Count ? fields.Take(pathFields.Count).SequenceEqual(pathFields) : pathFields.Take(fields.Count).SequenceEqual(fields))
            {
                ignoredQuery?.Invoke(key);
                return;
            }
        }

        var leaf = fields[^1];
        var what = $"query parameter '{key}'";
        if (leaf.IsMap)
        {
            throw TranscodingException.InvalidArgument($"Invalid {what}: map fields cannot be set from the query; send them in a request body.");
        }

        if (leaf.FieldType == FieldType.Message && !WellKnownTypes.IsScalarLike(leaf.MessageType))
        {
            throw TranscodingException.InvalidArgument($"Invalid {what}: it names a message; set its fields with '{key}.<field>'.");
        }

        JsonNode value;
        if (leaf.IsRepeated)
        {
            var array = new JsonArray();
            foreach (var item in values)
            {
                array.Add(ToJson(leaf, item ?? string.Empty, what));
            }

            value = array;
        }
        else
        {
            if (values.Count > 1)
            {
                throw TranscodingException.InvalidArgument($"Invalid {what}: it is given {values.Count} times, but '{leaf.Name}' is not a repeated field.");
            }

            value = ToJson(leaf, values.ToString(), what);
        }

        request.MergeFrom(ParseValue(binding.Method.InputType, BuildJson(fields, value), what).ToByteString());
    }

    /// <summary>Nests a value under the JSON names of a field path: <c>{"a":{"b":value}}</c>.</summary>
    private static JsonObject BuildJson(IReadOnlyList<FieldDescriptor> fields, JsonNode value)
    {
        var node = value;
        for (var i = fields.Count - 1; i >= 0; i--)
        {
            node = new JsonObject { [fields[i].JsonName] = node };
        }

        return (JsonObject)node;
    }

    /// <summary>The JSON token a text value becomes for a field: what the proto3 JSON parser accepts for it.</summary>
    private static JsonNode ToJson(FieldDescriptor field, string value, string what)
    {
        var type = field.FieldType;
        if (type == FieldType.Message && WellKnownTypes.WrappedField(field.MessageType) is { } wrapped)
        {
            type = wrapped.FieldType;
        }

        switch (type)
        {
            case FieldType.Bool:
                return ParseBool(value) ?? throw TranscodingException.InvalidArgument($"Invalid {what}: '{value}' is not a boolean (true or false).");
            case FieldType.Enum:
                return long.TryParse(value, out var number) ? JsonValue.Create(number) : JsonValue.Create(value);
            default:
                // Numbers, bytes (base64), strings, Timestamp, Duration and FieldMask are all JSON strings.
                return JsonValue.Create(value);
        }
    }

    private static JsonNode? ParseBool(string value) => value.ToLowerInvariant() switch
    {
        "true" or "1" => JsonValue.Create(true),
        "false" or "0" => JsonValue.Create(false),
        _ => null,
    };

    private static bool IsParseError(Exception ex) =>
        ex is InvalidProtocolBufferException or InvalidJsonException or FormatException or OverflowException or ArgumentException or InvalidOperationException;

    /// <summary>Decodes a UTF-8 body; invalid UTF-8 is an INVALID_ARGUMENT.</summary>
    public static string DecodeBody(ReadOnlySpan<byte> body)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(body);
        }
        catch (DecoderFallbackException ex)
        {
            throw TranscodingException.InvalidArgument("The request body is not valid UTF-8.", ex);
        }
    }
}
