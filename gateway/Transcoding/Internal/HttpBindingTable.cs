using Google.Api;
using Google.Protobuf.Reflection;

namespace SentinelSync.Gateway.Transcoding.Internal;

/// <summary>Reads the REST bindings of services from their <c>google.api.http</c> method options.</summary>
internal static class HttpBindingTable
{
    /// <summary>
    /// Every binding of every method that has a <c>google.api.http</c> option, in service then method order.
    /// Client- and duplex-streaming methods have no REST form and are left out.
    /// </summary>
    /// <exception cref="InvalidOperationException">A rule is invalid; the message names the method and the problem.</exception>
    public static IReadOnlyList<HttpBinding> Create(IEnumerable<ServiceDescriptor> services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var bindings = new List<HttpBinding>();
        foreach (var service in services)
        {
            foreach (var method in service.Methods)
            {
                if (method.IsClientStreaming || GetRule(method) is not { } rule)
                {
                    continue;
                }

                bindings.Add(CreateBinding(method, rule, 0));
                for (var i = 0; i < rule.AdditionalBindings.Count; i++)
                {
                    if (rule.AdditionalBindings[i].AdditionalBindings.Count > 0)
                    {
                        throw Invalid(method, "an additional binding has additional bindings of its own");
                    }

                    bindings.Add(CreateBinding(method, rule.AdditionalBindings[i], i + 1));
                }
            }
        }

        return bindings;
    }

    /// <summary>The method's <c>google.api.http</c> rule, or null.</summary>
    public static HttpRule? GetRule(MethodDescriptor method)
    {
        var options = method.GetOptions();
        return options is not null && options.HasExtension(AnnotationsExtensions.Http) ? options.GetExtension(AnnotationsExtensions.Http) : null;
    }

    private static HttpBinding CreateBinding(MethodDescriptor method, HttpRule rule, int index)
    {
        var (httpMethod, path) = rule.PatternCase switch
        {
            HttpRule.PatternOneofCase.Get => ("GET", rule.Get),
            HttpRule.PatternOneofCase.Put => ("PUT", rule.Put),
            HttpRule.PatternOneofCase.Post => ("POST", rule.Post),
            HttpRule.PatternOneofCase.Delete => ("DELETE", rule.Delete),
            HttpRule.PatternOneofCase.Patch => ("PATCH", rule.Patch),
            HttpRule.PatternOneofCase.Custom => (rule.Custom.Kind.ToUpperInvariant(), rule.Custom.Path),
            _ => throw Invalid(method, "the rule has no HTTP method and path"),
        };
        if (httpMethod.Length == 0)
        {
            throw Invalid(method, "a custom pattern has no kind");
        }

        PathTemplate template;
        try
        {
            template = PathTemplate.Parse(path);
        }
        catch (FormatException ex)
        {
            throw Invalid(method, ex.Message);
        }

        var pathFields = new List<IReadOnlyList<FieldDescriptor>>();
        foreach (var variable in template.Variables)
        {
            var fields = ResolveFieldPath(method.InputType, variable.FieldNames, out var problem)
                ?? throw Invalid(method, $"path variable '{variable.FieldPath}': {problem}");
            var leaf = fields[^1];
            if (leaf.IsRepeated || (leaf.FieldType == FieldType.Message && !WellKnownTypes.IsScalarLike(leaf.MessageType)))
            {
                throw Invalid(method, $"path variable '{variable.FieldPath}' must name a singular scalar field");
            }

            pathFields.Add(fields);
        }

        FieldDescriptor? bodyField = null;
        if (rule.Body.Length > 0 && rule.Body != "*")
        {
            bodyField = method.InputType.FindFieldByName(rule.Body)
                ?? throw Invalid(method, $"body field '{rule.Body}' is not a field of {method.InputType.FullName}");
        }

        FieldDescriptor? responseBodyField = null;
        if (rule.ResponseBody.Length > 0)
        {
            responseBodyField = method.OutputType.FindFieldByName(rule.ResponseBody)
                ?? throw Invalid(method, $"response_body field '{rule.ResponseBody}' is not a field of {method.OutputType.FullName}");
        }

        return new HttpBinding(method, httpMethod, template, rule.Body, bodyField, responseBodyField, pathFields, index);
    }

    /// <summary>Resolves a dotted path of proto field names; null with a reason when it does not resolve.</summary>
    internal static IReadOnlyList<FieldDescriptor>? ResolveFieldPath(MessageDescriptor message, IReadOnlyList<string> names, out string problem)
    {
        var fields = new List<FieldDescriptor>(names.Count);
        var current = message;
        for (var i = 0; i < names.Count; i++)
        {
            var field = current?.FindFieldByName(names[i]);
            if (field is null)
            {
                problem = $"'{names[i]}' is not a field of {current?.FullName ?? "a scalar"}";
                return null;
            }

            if (i < names.Count - 1 && (field.FieldType != FieldType.Message || field.IsRepeated))
            {
                problem = $"'{names[i]}' is not a singular message field";
                return null;
            }

            fields.Add(field);
            current = field.FieldType == FieldType.Message ? field.MessageType : null;
        }

        problem = string.Empty;
        return fields;
    }

    private static InvalidOperationException Invalid(MethodDescriptor method, string problem) =>
        new($"The google.api.http rule of {method.FullName} is invalid: {problem}.");
}
