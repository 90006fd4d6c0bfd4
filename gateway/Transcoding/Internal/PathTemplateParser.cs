namespace SentinelSync.Gateway.Transcoding.Internal;

/// <summary>Parses <c>google.api.http</c> path templates (grammar on <see cref="PathTemplate"/>).</summary>
internal static class PathTemplateParser
{
    public static PathTemplate Parse(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        if (template.Length == 0 || template[0] != '/')
        {
            throw Error(template, "must start with '/'");
        }

        // 1. The verb: the last ':' outside braces after the last '/' outside braces.
        var depth = 0;
        var lastSlash = -1;
        var verbColon = -1;
        for (var i = 0; i < template.Length; i++)
        {
            switch (template[i])
            {
                case '{':
                    if (++depth > 1)
                    {
                        throw Error(template, $"has a nested '{{' at position {i}");
                    }

                    break;
                case '}':
                    if (--depth < 0)
                    {
                        throw Error(template, $"has an unmatched '}}' at position {i}");
                    }

                    break;
                case '/' when depth == 0:
                    lastSlash = i;
                    verbColon = -1;
                    break;
                case ':' when depth == 0 && i > lastSlash && verbColon < 0:
                    verbColon = i;
                    break;
            }
        }

        if (depth != 0)
        {
            throw Error(template, "has an unclosed '{'");
        }

        string? verb = null;
        var body = template;
        if (verbColon >= 0)
        {
            verb = template[(verbColon + 1)..];
            body = template[..verbColon];
            if (verb.Length == 0 || verb.IndexOfAny(['/', '{', '}', '*', ':']) >= 0)
            {
                throw Error(template, $"has an invalid verb ':{verb}'");
            }
        }

        // 2. Segments and variables, left to right.
        var segments = new List<PathSegment>();
        var variables = new List<PathVariable>();
        var position = 1;
        while (true)
        {
            if (position < body.Length && body[position] == '{')
            {
                var close = body.IndexOf('}', position);
                var inner = body[(position + 1)..close];
                var equals = inner.IndexOf('=', StringComparison.Ordinal);
                var fieldPath = equals < 0 ? inner : inner[..equals];
                ValidateFieldPath(template, fieldPath);
                if (variables.Any(v => v.FieldPath == fieldPath))
                {
                    throw Error(template, $"binds field '{fieldPath}' twice");
                }

                var start = segments.Count;
                if (equals < 0)
                {
                    segments.Add(PathSegment.Single);
                }
                else
                {
                    var pattern = inner[(equals + 1)..];
                    if (pattern.Length == 0)
                    {
                        throw Error(template, $"has an empty pattern for variable '{fieldPath}'");
                    }

                    foreach (var part in pattern.Split('/'))
                    {
                        segments.Add(ParseSegment(template, part));
                    }
                }

                variables.Add(new PathVariable(fieldPath, start, segments.Count));
                position = close + 1;
            }
            else
            {
                var next = body.IndexOf('/', position);
                var part = next < 0 ? body[position..] : body[position..next];
                segments.Add(ParseSegment(template, part));
                position = next < 0 ? body.Length : next;
            }

            if (position >= body.Length)
            {
                break;
            }

            if (body[position] != '/')
            {
                throw Error(template, $"needs '/' after a variable at position {position}");
            }

            position++;
        }

        for (var i = 0; i < segments.Count - 1; i++)
        {
            if (segments[i].Kind == PathSegmentKind.MultiWildcard)
            {
                throw Error(template, "has '**' before its last segment");
            }
        }

        return new PathTemplate(template, segments, variables, verb);
    }

    private static PathSegment ParseSegment(string template, string part)
    {
        switch (part)
        {
            case "":
                throw Error(template, "has an empty segment");
            case "*":
                return PathSegment.Single;
            case "**":
                return PathSegment.Multi;
        }

        if (part.IndexOfAny(['{', '}', '*', '=']) >= 0)
        {
            throw Error(template, $"has an invalid literal segment '{part}'");
        }

        return new PathSegment(PathSegmentKind.Literal, Uri.UnescapeDataString(part));
    }

    private static void ValidateFieldPath(string template, string fieldPath)
    {
        foreach (var name in fieldPath.Split('.'))
        {
            var valid = name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
            if (!valid)
            {
                throw Error(template, $"has an invalid field path '{fieldPath}'");
            }
        }
    }

    private static FormatException Error(string template, string problem) => new($"Path template '{template}' {problem}.");
}
