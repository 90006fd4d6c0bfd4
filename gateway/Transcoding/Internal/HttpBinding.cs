using Google.Protobuf.Reflection;

namespace SentinelSync.Gateway.Transcoding.Internal;

/// <summary>
/// One REST binding of a method: an HTTP method and path template, where the request body goes and which
/// part of the response is the response body. A method has one per <c>google.api.http</c> rule, including
/// each additional binding.
/// </summary>
internal sealed class HttpBinding
{
    public HttpBinding(
        MethodDescriptor method,
        string httpMethod,
        PathTemplate template,
        string body,
        FieldDescriptor? bodyField,
        FieldDescriptor? responseBodyField,
        IReadOnlyList<IReadOnlyList<FieldDescriptor>> pathFields,
        int index)
    {
        Method = method;
        HttpMethod = httpMethod;
        Template = template;
        Body = body;
        BodyField = bodyField;
        ResponseBodyField = responseBodyField;
        PathFields = pathFields;
        Index = index;
    }

    public MethodDescriptor Method { get; }

    /// <summary>GET, POST, PUT, PATCH, DELETE or a custom kind, upper case.</summary>
    public string HttpMethod { get; }

    public PathTemplate Template { get; }

    /// <summary>The <c>body</c> of the rule: empty (no body), <c>*</c> or a top-level field name.</summary>
    public string Body { get; }

    /// <summary>Whether the whole request (but the path variables) comes from the body.</summary>
    public bool BodyIsWholeRequest => Body == "*";

    /// <summary>Whether the request has a body at all.</summary>
    public bool HasBody => Body.Length > 0;

    /// <summary>The field the body fills, when <see cref="Body"/> names one.</summary>
    public FieldDescriptor? BodyField { get; }

    /// <summary>The response field that is the response body, or null for the whole response.</summary>
    public FieldDescriptor? ResponseBodyField { get; }

    /// <summary>The fields of each path variable, outermost first (same order as the template's variables).</summary>
    public IReadOnlyList<IReadOnlyList<FieldDescriptor>> PathFields { get; }

    /// <summary>0 for the rule itself, 1.. for its additional bindings in order.</summary>
    public int Index { get; }

    /// <summary>Whether responses stream (server streaming).</summary>
    public bool IsServerStreaming => Method.IsServerStreaming;

    /// <summary><c>Service_Method</c>, with the binding index appended for additional bindings.</summary>
    public string OperationId => Index == 0 ? $"{Method.Service.Name}_{Method.Name}" : $"{Method.Service.Name}_{Method.Name}{Index + 1}";

    public override string ToString() => $"{HttpMethod} {Template.Text} -> {Method.FullName}";
}
