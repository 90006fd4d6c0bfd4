using System.Text;

namespace SentinelSync.Gateway.Transcoding.Internal;

/// <summary>
/// A parsed <c>google.api.http</c> path template and its matcher.
/// </summary>
/// <remarks>
/// The grammar (google/api/http.proto):
/// <code>
/// Template = "/" Segments [ Verb ] ;
/// Segments = Segment { "/" Segment } ;
/// Segment  = "*" | "**" | LITERAL | Variable ;
/// Variable = "{" FieldPath [ "=" Segments ] "}" ;
/// FieldPath = IDENT { "." IDENT } ;
/// Verb     = ":" LITERAL ;
/// </code>
/// <c>{field}</c> is short for <c>{field=*}</c>. <c>**</c> must be the last segment. A single-segment
/// variable's value is fully percent-decoded; a multi-segment one keeps <c>%2F</c> so that its '/'
/// separators stay apart from encoded slashes (RFC 6570 reserved expansion).
/// Immutable and thread-safe.
/// </remarks>
internal sealed class PathTemplate
{
    internal PathTemplate(string text, IReadOnlyList<PathSegment> segments, IReadOnlyList<PathVariable> variables, string? verb)
    {
        Text = text;
        Segments = segments;
        Variables = variables;
        Verb = verb;
    }

    /// <summary>The template as written in the proto.</summary>
    public string Text { get; }

    /// <summary>The segments, variables expanded to what they match.</summary>
    public IReadOnlyList<PathSegment> Segments { get; }

    /// <summary>The variables in order.</summary>
    public IReadOnlyList<PathVariable> Variables { get; }

    /// <summary>The custom verb after the last ':', or null.</summary>
    public string? Verb { get; }

    /// <summary>Whether the last segment is <c>**</c>.</summary>
    public bool EndsWithMultiWildcard => Segments[^1].Kind == PathSegmentKind.MultiWildcard;

    /// <summary>Parses a template.</summary>
    /// <exception cref="FormatException">The template breaks the grammar; the message says where.</exception>
    public static PathTemplate Parse(string template) => PathTemplateParser.Parse(template);

    /// <summary>
    /// Matches a raw (still percent-encoded) request path and yields the decoded value of every variable.
    /// </summary>
    /// <returns>False when the path does not match.</returns>
    public bool TryMatch(string rawPath, out Dictionary<string, string> values)
    {
        values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(rawPath) || rawPath[0] != '/')
        {
            return false;
        }

        var path = rawPath.AsSpan(1);
        if (Verb is not null)
        {
            var suffix = ":" + Verb;
            if (!path.EndsWith(suffix, StringComparison.Ordinal))
            {
                return false;
            }

            path = path[..^suffix.Length];
        }

        var parts = path.ToString().Split('/');
        if (EndsWithMultiWildcard ? parts.Length < Segments.Count - 1 : parts.Length != Segments.Count)
        {
            return false;
        }

        for (var i = 0; i < Segments.Count; i++)
        {
            var segment = Segments[i];
            if (segment.Kind == PathSegmentKind.MultiWildcard)
            {
                break;
            }

            var part = parts[i];
            if (part.Length == 0)
            {
                return false;
            }

            if (segment.Kind == PathSegmentKind.Literal && !string.Equals(Decode(part, keepEncodedSlash: false), segment.Literal, StringComparison.Ordinal))
            {
                return false;
            }
        }

        foreach (var variable in Variables)
        {
            var multi = variable.IsMultiSegment(Segments);
            var end = variable.EndSegment == Segments.Count && EndsWithMultiWildcard ? parts.Length : variable.EndSegment;
            if (end <= variable.StartSegment)
            {
                values[variable.FieldPath] = string.Empty;
                continue;
            }

            var builder = new StringBuilder();
            for (var i = variable.StartSegment; i < end; i++)
            {
                if (i > variable.StartSegment)
                {
                    builder.Append('/');
                }

                builder.Append(Decode(parts[i], keepEncodedSlash: multi));
            }

            values[variable.FieldPath] = builder.ToString();
        }

        return true;
    }

    /// <summary>
    /// The ASP.NET Core route pattern that selects this template's candidates: literals stay literals, each
    /// wildcard becomes a parameter (<c>**</c> a catch-all), and the verb joins the last segment. The
    /// endpoint still runs <see cref="TryMatch"/>, which decides alone (a catch-all cannot carry a verb).
    /// </summary>
    public string ToRoutePattern()
    {
        var builder = new StringBuilder();
        for (var i = 0; i < Segments.Count; i++)
        {
            builder.Append('/');
            var segment = Segments[i];
            switch (segment.Kind)
            {
                case PathSegmentKind.Literal:
                    builder.Append(segment.Literal.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal));
                    break;
                case PathSegmentKind.SingleWildcard:
                    builder.Append("{p").Append(i).Append('}');
                    break;
                default:
                    builder.Append("{**p").Append(i).Append('}');
                    break;
            }

            if (i == Segments.Count - 1 && Verb is not null && segment.Kind != PathSegmentKind.MultiWildcard)
            {
                builder.Append(':').Append(Verb);
            }
        }

        return builder.ToString();
    }

    /// <summary>The OpenAPI path: each variable as one <c>{field.path}</c> parameter, the verb kept.</summary>
    public string ToOpenApiPath()
    {
        var builder = new StringBuilder();
        var i = 0;
        while (i < Segments.Count)
        {
            builder.Append('/');
            var variable = Variables.FirstOrDefault(v => v.StartSegment == i);
            if (variable is not null)
            {
                builder.Append('{').Append(variable.FieldPath).Append('}');
                i = Math.Max(variable.EndSegment, i + 1);
                continue;
            }

            builder.Append(Segments[i]);
            i++;
        }

        if (Verb is not null)
        {
            builder.Append(':').Append(Verb);
        }

        return builder.ToString();
    }

    public override string ToString() => Text;

    /// <summary>Percent-decodes one segment; with <paramref name="keepEncodedSlash"/>, <c>%2F</c> stays encoded.</summary>
    internal static string Decode(string segment, bool keepEncodedSlash)
    {
        if (!segment.Contains('%', StringComparison.Ordinal))
        {
            return segment;
        }

        if (!keepEncodedSlash)
        {
            return Uri.UnescapeDataString(segment);
        }

        var builder = new StringBuilder(segment.Length);
        var start = 0;
        while (true)
        {
            var slash = segment.IndexOf("%2F", start, StringComparison.OrdinalIgnoreCase);
            var piece = slash < 0 ? segment[start..] : segment[start..slash];
            builder.Append(Uri.UnescapeDataString(piece));
            if (slash < 0)
            {
                return builder.ToString();
            }

            builder.Append("%2F");
            start = slash + 3;
        }
    }
}
