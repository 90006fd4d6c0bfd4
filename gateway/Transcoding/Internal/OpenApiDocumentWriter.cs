using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Google.Protobuf.Reflection;

namespace SentinelSync.Gateway.Transcoding.Internal;

/// <summary>
/// Writes the OpenAPI 3.0 document of a set of REST bindings, from the same descriptors the endpoints use:
/// one operation per binding (<c>operationId</c> <c>Service_Method</c>, tagged with the service), path and
/// query parameters with their types, request bodies, response schemas and the google.rpc.Status error
/// schema; one component schema per message and enum. Schemas follow the proto3 JSON mapping: enums as
/// string enums, 64-bit integers as strings, Timestamp as a date-time string, Duration as a string, maps as
/// <c>additionalProperties</c>. The output is deterministic: paths, methods and schemas in ordinal order.
/// </summary>
internal sealed class OpenApiDocumentWriter
{
    public const string StatusSchemaName = "google.rpc.Status";

    private const int MaxQueryDepth = 4;

    // The methods OpenAPI 3.0 knows, in the order a path item lists them.
    private static readonly string[] OperationOrder = ["GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE"];

    private readonly SortedDictionary<string, MessageDescriptor> _messages = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, EnumDescriptor> _enums = new(StringComparer.Ordinal);

    private OpenApiDocumentWriter()
    {
    }

    /// <summary>The document as UTF-8 JSON.</summary>
    public static byte[] Write(IReadOnlyList<HttpBinding> bindings, string title, string version)
    {
        var writer = new OpenApiDocumentWriter();
        foreach (var binding in bindings)
        {
            writer.Collect(binding.Method.InputType);
            writer.Collect(binding.Method.OutputType);
        }

        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteDocument(json, bindings, title, version);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private void Collect(MessageDescriptor message)
    {
        if (WellKnownTypes.IsWellKnown(message) || !_messages.TryAdd(message.FullName, message))
        {
            return;
        }

        foreach (var field in message.Fields.InDeclarationOrder())
        {
            var valueField = field.IsMap ? field.MessageType.FindFieldByNumber(2) : field;
            if (valueField.FieldType == FieldType.Enum)
            {
                _enums.TryAdd(valueField.EnumType.FullName, valueField.EnumType);
            }
            else if (valueField.FieldType == FieldType.Message)
            {
                Collect(valueField.MessageType);
            }
        }
    }

    private void WriteDocument(Utf8JsonWriter json, IReadOnlyList<HttpBinding> bindings, string title, string version)
    {
        json.WriteStartObject();
        json.WriteString("openapi", "3.0.3");
        json.WriteStartObject("info");
        json.WriteString("title", title);
        json.WriteString("version", version);
        json.WriteString("description", "REST/JSON transcoding of the platform's gRPC services (proto3 JSON mapping). Errors are google.rpc.Status objects.");
        json.WriteEndObject();

        json.WriteStartArray("tags");
        foreach (var service in bindings.Select(b => b.Method.Service).DistinctBy(s => s.FullName).OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            json.WriteStartObject();
            json.WriteString("name", service.Name);
            json.WriteString("description", service.FullName);
            json.WriteEndObject();
        }

        json.WriteEndArray();

        json.WriteStartObject("paths");
        var byPath = bindings
            .Where(b => OperationOrder.Contains(b.HttpMethod))
            .GroupBy(b => b.Template.ToOpenApiPath())
            .OrderBy(g => g.Key, StringComparer.Ordinal);
        foreach (var path in byPath)
        {
            json.WriteStartObject(path.Key);
            foreach (var binding in path.OrderBy(b => Array.IndexOf(OperationOrder, b.HttpMethod)).DistinctBy(b => b.HttpMethod))
            {
                WriteOperation(json, binding);
            }

            json.WriteEndObject();
        }

        json.WriteEndObject();

        json.WriteStartObject("components");
        json.WriteStartObject("schemas");
        var names = _messages.Keys.Concat(_enums.Keys).Append(StatusSchemaName).Order(StringComparer.Ordinal);
        foreach (var name in names)
        {
            json.WritePropertyName(name);
            if (name == StatusSchemaName)
            {
                WriteStatusSchema(json);
            }
            else if (_messages.TryGetValue(name, out var message))
            {
                WriteMessageSchema(json, message, excluded: null);
            }
            else
            {
                WriteEnumSchema(json, _enums[name]);
            }
        }

        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private void WriteOperation(Utf8JsonWriter json, HttpBinding binding)
    {
        var method = binding.Method;
        json.WriteStartObject(binding.HttpMethod.ToLowerInvariant());
        json.WriteStartArray("tags");
        json.WriteStringValue(method.Service.Name);
        json.WriteEndArray();
        json.WriteString("operationId", binding.OperationId);
        json.WriteString("summary", $"{method.Service.Name}.{method.Name}");
        json.WriteString("description", binding.IsServerStreaming
            ? $"Calls {method.FullName}, a server-streaming method: the response is a stream of messages, as newline-delimited JSON (application/x-ndjson) or, with `Accept: text/event-stream`, server-sent events. A failure after the first message ends the stream with `{{\"error\": Status}}` (NDJSON) or an `error` event (SSE)."
            : $"Calls {method.FullName}.");

        json.WriteStartArray("parameters");
        for (var i = 0; i < binding.Template.Variables.Count; i++)
        {
            var variable = binding.Template.Variables[i];
            json.WriteStartObject();
            json.WriteString("name", variable.FieldPath);
            json.WriteString("in", "path");
            json.WriteBoolean("required", true);
            json.WritePropertyName("schema");
            WriteFieldSchema(json, binding.PathFields[i][^1]);
            json.WriteEndObject();
        }

        if (!binding.BodyIsWholeRequest)
        {
            WriteQueryParameters(json, binding, method.InputType, prefix: string.Empty, path: [], depth: 0);
        }

        json.WriteEndArray();

        if (binding.HasBody)
        {
            json.WriteStartObject("requestBody");
            json.WriteBoolean("required", true);
            json.WriteStartObject("content");
            json.WriteStartObject("application/json");
            json.WritePropertyName("schema");
            if (binding.BodyField is { } bodyField)
            {
                WriteFieldSchema(json, bodyField);
            }
            else
            {
                var pathBound = binding.PathFields.Where(f => f.Count == 1).Select(f => f[0]).ToHashSet();
                if (pathBound.Count == 0)
                {
                    WriteRef(json, method.InputType.FullName);
                }
                else
                {
                    WriteMessageSchema(json, method.InputType, pathBound);
                }
            }

            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteStartObject("responses");
        json.WriteStartObject("200");
        json.WriteString("description", binding.IsServerStreaming ? "A stream of responses, one JSON message each." : "The response.");
        json.WriteStartObject("content");
        string[] contentTypes = binding.IsServerStreaming ? ["application/x-ndjson", "text/event-stream"] : ["application/json"];
        foreach (var contentType in contentTypes)
        {
            json.WriteStartObject(contentType);
            json.WritePropertyName("schema");
            if (binding.ResponseBodyField is { } responseField)
            {
                WriteFieldSchema(json, responseField);
            }
            else
            {
                WriteRef(json, method.OutputType.FullName);
            }

            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteStartObject("default");
        json.WriteString("description", "An error: the gRPC status as google.rpc.Status, with the HTTP status of its code.");
        json.WriteStartObject("content");
        json.WriteStartObject("application/json");
        json.WritePropertyName("schema");
        WriteRef(json, StatusSchemaName);
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndObject();

        json.WriteEndObject();
    }

    private void WriteQueryParameters(Utf8JsonWriter json, HttpBinding binding, MessageDescriptor message, string prefix, List<FieldDescriptor> path, int depth)
    {
        foreach (var field in message.Fields.InDeclarationOrder())
        {
            path.Add(field);
            try
            {
                if (IsBound(binding, path) || field.IsMap)
                {
                    continue;
                }

                var name = prefix + field.JsonName;
                if (field.FieldType == FieldType.Message && !WellKnownTypes.IsScalarLike(field.MessageType))
                {
                    if (!field.IsRepeated && depth < MaxQueryDepth && !WellKnownTypes.IsWellKnown(field.MessageType))
                    {
                        WriteQueryParameters(json, binding, field.MessageType, name + ".", path, depth + 1);
                    }

                    continue;
                }

                json.WriteStartObject();
                json.WriteString("name", name);
                json.WriteString("in", "query");
                json.WriteBoolean("required", false);
                if (field.IsRepeated)
                {
                    json.WriteString("description", "Repeat the parameter for more values.");
                    json.WriteString("style", "form");
                    json.WriteBoolean("explode", true);
                }

                json.WritePropertyName("schema");
                WriteFieldSchema(json, field);
                json.WriteEndObject();
            }
            finally
            {
                path.RemoveAt(path.Count - 1);
            }
        }
    }

    private static bool IsBound(HttpBinding binding, List<FieldDescriptor> path)
    {
        if (binding.BodyField is { } bodyField && path[0] == bodyField)
        {
            return true;
        }

        foreach (var pathFields in binding.PathFields)
        {
            if (pathFields.Count <= path.Count && path.Take(pathFields.Count).SequenceEqual(pathFields))
            {
                return true;
            }
        }

        return false;
    }

    private void WriteMessageSchema(Utf8JsonWriter json, MessageDescriptor message, HashSet<FieldDescriptor>? excluded)
    {
        json.WriteStartObject();
        json.WriteString("type", "object");
        var description = message.FullName;
        var oneofs = message.Oneofs.Where(o => !o.IsSynthetic).ToList();
        if (oneofs.Count > 0)
        {
            description += ". " + string.Join(" ", oneofs.Select(o => $"Oneof `{o.Name}`: at most one of {string.Join(", ", o.Fields.Select(f => $"`{f.JsonName}`"))} is set."));
        }

        json.WriteString("description", description);
        json.WriteStartObject("properties");
        foreach (var field in message.Fields.InDeclarationOrder())
        {
            if (excluded?.Contains(field) == true)
            {
                continue;
            }

            json.WritePropertyName(field.JsonName);
            WriteFieldSchema(json, field);
        }

        json.WriteEndObject();
        json.WriteBoolean("additionalProperties", false);
        json.WriteEndObject();
    }

    private static void WriteEnumSchema(Utf8JsonWriter json, EnumDescriptor descriptor)
    {
        json.WriteStartObject();
        json.WriteString("type", "string");
        json.WriteString("description", descriptor.FullName + " (the value's name; its number is accepted on input too)");
        json.WriteStartArray("enum");
        foreach (var value in descriptor.Values)
        {
            json.WriteStringValue(value.Name);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteStatusSchema(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteString("type", "object");
        json.WriteString("description", "google.rpc.Status: the gRPC status code, a message for people, and details.");
        json.WriteStartObject("properties");
        json.WriteStartObject("code");
        json.WriteString("type", "integer");
        json.WriteString("format", "int32");
        json.WriteString("description", "The gRPC status code (google.rpc.Code).");
        json.WriteEndObject();
        json.WriteStartObject("message");
        json.WriteString("type", "string");
        json.WriteEndObject();
        json.WriteStartObject("details");
        json.WriteString("type", "array");
        json.WriteStartObject("items");
        json.WriteString("type", "object");
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private void WriteFieldSchema(Utf8JsonWriter json, FieldDescriptor field)
    {
        if (field.IsMap)
        {
            json.WriteStartObject();
            json.WriteString("type", "object");
            json.WritePropertyName("additionalProperties");
            WriteValueSchema(json, field.MessageType.FindFieldByNumber(2));
            json.WriteEndObject();
        }
        else if (field.IsRepeated)
        {
            json.WriteStartObject();
            json.WriteString("type", "array");
            json.WritePropertyName("items");
            WriteValueSchema(json, field);
            json.WriteEndObject();
        }
        else
        {
            WriteValueSchema(json, field);
        }
    }

    private void WriteValueSchema(Utf8JsonWriter json, FieldDescriptor field, bool nullable = false)
    {
        switch (field.FieldType)
        {
            case FieldType.Enum:
                WriteRef(json, field.EnumType.FullName);
                return;
            case FieldType.Message:
                WriteMessageValueSchema(json, field.MessageType);
                return;
        }

        var (type, format) = field.FieldType switch
        {
            FieldType.Double => ("number", "double"),
            FieldType.Float => ("number", "float"),
            FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => ("integer", "int32"),
            FieldType.UInt32 or FieldType.Fixed32 => ("integer", "int64"),
            FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => ("string", "int64"),
            FieldType.UInt64 or FieldType.Fixed64 => ("string", "uint64"),
            FieldType.Bool => ("boolean", (string?)null),
            FieldType.Bytes => ("string", "byte"),
            _ => ("string", null),
        };
        json.WriteStartObject();
        json.WriteString("type", type);
        if (format is not null)
        {
            json.WriteString("format", format);
        }

        if (field.FieldType is FieldType.UInt32 or FieldType.Fixed32)
        {
            json.WriteNumber("minimum", 0);
        }

        if (nullable)
        {
            json.WriteBoolean("nullable", true);
        }

        json.WriteEndObject();
    }

    private void WriteMessageValueSchema(Utf8JsonWriter json, MessageDescriptor message)
    {
        if (!WellKnownTypes.IsWellKnown(message))
        {
            WriteRef(json, message.FullName);
            return;
        }

        if (WellKnownTypes.WrappedField(message) is { } wrapped)
        {
            WriteValueSchema(json, wrapped, nullable: true);
            return;
        }

        json.WriteStartObject();
        switch (message.FullName)
        {
            case WellKnownTypes.Timestamp:
                json.WriteString("type", "string");
                json.WriteString("format", "date-time");
                break;
            case WellKnownTypes.Duration:
                json.WriteString("type", "string");
                json.WriteString("description", "A duration in seconds with up to nine fractional digits, suffixed with 's', e.g. \"3.5s\".");
                json.WriteString("pattern", "^-?[0-9]+(\\.[0-9]{1,9})?s$");
                break;
            case WellKnownTypes.FieldMask:
                json.WriteString("type", "string");
                json.WriteString("description", "Comma-separated field paths in lowerCamelCase.");
                break;
            case "google.protobuf.Struct":
                json.WriteString("type", "object");
                json.WriteBoolean("additionalProperties", true);
                break;
            case "google.protobuf.ListValue":
                json.WriteString("type", "array");
                json.WriteStartObject("items");
                json.WriteEndObject();
                break;
            case "google.protobuf.Value":
                json.WriteString("description", "Any JSON value.");
                break;
            case "google.protobuf.Any":
                json.WriteString("type", "object");
                json.WriteStartObject("properties");
                json.WriteStartObject("@type");
                json.WriteString("type", "string");
                json.WriteEndObject();
                json.WriteEndObject();
                json.WriteBoolean("additionalProperties", true);
                break;
            default:
                json.WriteString("type", "object");
                break;
        }

        json.WriteEndObject();
    }

    private static void WriteRef(Utf8JsonWriter json, string name)
    {
        json.WriteStartObject();
        json.WriteString("$ref", "#/components/schemas/" + name);
        json.WriteEndObject();
    }
}
