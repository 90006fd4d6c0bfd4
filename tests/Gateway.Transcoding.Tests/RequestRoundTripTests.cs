using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.AspNetCore.WebUtilities;
using SentinelSync.Gateway.Transcoding.Internal;

namespace SentinelSync.Gateway.Transcoding.Tests;

/// <summary>
/// For every REST binding of every annotated method (the platform's contracts and the test contract): a
/// request with every field the binding can carry is turned into the HTTP request a client would send
/// (path, query, body), read back by the engine, and must come out equal. A new annotated RPC is covered
/// without touching this test.
/// </summary>
public sealed class RequestRoundTripTests
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default);

    private static readonly IReadOnlyList<HttpBinding> Bindings = HttpBindingTable.Create(TranscodingTestHost.Services);

    public static TheoryData<string> AllBindings()
    {
        var data = new TheoryData<string>();
        foreach (var binding in Bindings)
        {
            data.Add(binding.OperationId);
        }

        return data;
    }

    [Fact]
    public void Bindings_Contracts_EveryAnnotatedMethodHasABinding()
    {
        var annotated = TranscodingTestHost.Services.SelectMany(s => s.Methods).Where(m => HttpBindingTable.GetRule(m) is not null).ToList();

        Assert.NotEmpty(annotated);
        Assert.All(annotated, method => Assert.Contains(Bindings, b => b.Method == method));
        Assert.Contains(Bindings, b => b.Method.Name == "ListBooks" && b.Index == 1);
        Assert.DoesNotContain(Bindings, b => b.Method.Name == "NotAnnotated");
    }

    [Theory]
    [MemberData(nameof(AllBindings))]
    public void Bind_SampleRequestAsHttp_RoundTrips(string operationId)
    {
        var binding = Bindings.Single(b => b.OperationId == operationId);
        var expected = SampleFor(binding);
        var (path, query, body) = ToHttp(binding, expected);

        // The endpoint's route pattern selects the request, and the template matcher takes it apart.
        var routeMatcher = new TemplateMatcher(TemplateParser.Parse(binding.Template.ToRoutePattern()), new RouteValueDictionary());
        Assert.True(routeMatcher.TryMatch(path, new RouteValueDictionary()), $"route pattern {binding.Template.ToRoutePattern()} rejects {path}");
        Assert.True(binding.Template.TryMatch(path, out var pathValues), $"{binding.Template} rejects {path}");

        var ignored = new List<string>();
        var actual = RequestBinder.Bind(binding, pathValues, QueryHelpers.ParseQuery(query), body, ignored.Add);

        Assert.Empty(ignored);
        Assert.True(expected.Equals(actual), $"{binding}\nsent:     {path}{query} {body}\nexpected: {expected}\nactual:   {actual}");
    }

    /// <summary>A full sample, less what the binding cannot carry: outside the body, maps and repeated messages have no query form.</summary>
    private static IMessage SampleFor(HttpBinding binding)
    {
        var message = SampleMessages.Create(binding.Method.InputType);

        // Path variables get values that fit their templates.
        for (var i = 0; i < binding.Template.Variables.Count; i++)
        {
            var variable = binding.Template.Variables[i];
            var fields = binding.PathFields[i];
            var target = Parent(message, fields, create: true)!;
            var leaf = fields[^1];
            object value = leaf.FieldType == FieldType.String ? PathValue(binding.Template, variable) : SampleMessages.Value(leaf, 0, 0);
            leaf.Accessor.SetValue(target, value);
        }

        if (!binding.BodyIsWholeRequest)
        {
            PruneForQuery(binding, message, []);
        }

        return message;
    }

    private static string PathValue(PathTemplate template, PathVariable variable)
    {
        if (!variable.IsMultiSegment(template.Segments))
        {
            return "id /x%y ü";
        }

        var parts = new List<string>();
        for (var i = variable.StartSegment; i < variable.EndSegment; i++)
        {
            var segment = template.Segments[i];
            switch (segment.Kind)
            {
                case PathSegmentKind.Literal:
                    parts.Add(segment.Literal);
                    break;
                case PathSegmentKind.SingleWildcard:
                    parts.Add($"s {i}%");
                    break;
                default:
                    parts.Add("etc/ssh d/sshd_config");
                    break;
            }
        }

        return string.Join('/', parts);
    }

    private static void PruneForQuery(HttpBinding binding, IMessage message, List<FieldDescriptor> prefix)
    {
        foreach (var field in message.Descriptor.Fields.InDeclarationOrder())
        {
            List<FieldDescriptor> path = [.. prefix, field];
            if (IsBoundByPathOrBody(binding, path))
            {
                if (field.FieldType == FieldType.Message && !field.IsRepeated && binding.PathFields.Any(p => p.Count > path.Count && p.Take(path.Count).SequenceEqual(path)))
                {
                    // A message that holds a path variable: its other fields still come from the query.
                    PruneForQuery(binding, (IMessage)field.Accessor.GetValue(message), path);
                }

                continue;
            }

            if (field.IsMap || (field.IsRepeated && field.FieldType == FieldType.Message && !WellKnownTypes.IsScalarLike(field.MessageType)))
            {
                field.Accessor.Clear(message);
            }
            else if (!field.IsRepeated && field.FieldType == FieldType.Message && !WellKnownTypes.IsScalarLike(field.MessageType) && field.Accessor.GetValue(message) is IMessage child)
            {
                PruneForQuery(binding, child, path);
            }
        }
    }

    private static bool IsBoundByPathOrBody(HttpBinding binding, List<FieldDescriptor> path) =>
        (binding.BodyField is { } bodyField && path[0] == bodyField)
        || binding.PathFields.Any(p => p.Count >= path.Count ? p.Take(path.Count).SequenceEqual(path) : path.Take(p.Count).SequenceEqual(p));

    /// <summary>The HTTP form of a request: encoded path, query string, JSON body.</summary>
    private static (string Path, string Query, string? Body) ToHttp(HttpBinding binding, IMessage request)
    {
        var template = binding.Template;
        var path = new StringBuilder();
        var segment = 0;
        while (segment < template.Segments.Count)
        {
            var variableIndex = template.Variables.ToList().FindIndex(v => v.StartSegment == segment);
            if (variableIndex >= 0)
            {
                var variable = template.Variables[variableIndex];
                var fields = binding.PathFields[variableIndex];
                var leaf = fields[^1];
                var text = SampleMessages.Text(leaf, leaf.Accessor.GetValue(Parent(request, fields, create: false)!));
                path.Append('/');
                path.Append(variable.IsMultiSegment(template.Segments)
                    ? string.Join('/', text.Split('/').Select(Uri.EscapeDataString))
                    : Uri.EscapeDataString(text));
                segment = variable.EndSegment;
                continue;
            }

            path.Append('/').Append(template.Segments[segment].Kind == PathSegmentKind.Literal ? Uri.EscapeDataString(template.Segments[segment].Literal) : "any");
            segment++;
        }

        if (template.Verb is not null)
        {
            path.Append(':').Append(template.Verb);
        }

        string? body = null;
        if (binding.BodyIsWholeRequest)
        {
            body = Formatter.Format(request);
        }
        else if (binding.BodyField is { } bodyField)
        {
            using var document = JsonDocument.Parse(Formatter.Format(request));
            body = document.RootElement.TryGetProperty(bodyField.JsonName, out var value) ? value.GetRawText() : null;
        }

        var query = new StringBuilder();
        if (!binding.BodyIsWholeRequest)
        {
            var rest = request.Descriptor.Parser.ParseFrom(request.ToByteString());
            if (binding.BodyField is { } bodyOnly)
            {
                bodyOnly.Accessor.Clear(rest);
            }

            foreach (var fields in binding.PathFields)
            {
                if (Parent(rest, fields, create: false) is { } parent)
                {
                    fields[^1].Accessor.Clear(parent);
                }
            }

            using var document = JsonDocument.Parse(Formatter.Format(rest));
            AppendQuery(query, document.RootElement, string.Empty);
        }

        return (path.ToString(), query.ToString(), body);
    }

    private static void AppendQuery(StringBuilder query, JsonElement element, string prefix)
    {
        foreach (var property in element.EnumerateObject())
        {
            var name = prefix + property.Name;
            switch (property.Value.ValueKind)
            {
                case JsonValueKind.Object:
                    AppendQuery(query, property.Value, name + ".");
                    break;
                case JsonValueKind.Array:
                    foreach (var item in property.Value.EnumerateArray())
                    {
                        AppendParameter(query, name, item);
                    }

                    break;
                default:
                    AppendParameter(query, name, property.Value);
                    break;
            }
        }
    }

    private static void AppendParameter(StringBuilder query, string name, JsonElement value)
    {
        query.Append(query.Length == 0 ? '?' : '&').Append(Uri.EscapeDataString(name)).Append('=');
        query.Append(Uri.EscapeDataString(value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText()));
    }

    private static IMessage? Parent(IMessage message, IReadOnlyList<FieldDescriptor> fields, bool create)
    {
        var current = message;
        for (var i = 0; i < fields.Count - 1; i++)
        {
            var child = (IMessage?)fields[i].Accessor.GetValue(current);
            if (child is null)
            {
                if (!create)
                {
                    return null;
                }

                child = fields[i].MessageType.Parser.ParseFrom(ByteString.Empty);
                fields[i].Accessor.SetValue(current, child);
            }

            current = child;
        }

        return current;
    }
}
