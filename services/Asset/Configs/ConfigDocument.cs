using Grpc.Core;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SentinelSync.Asset.Configs;

/// <summary>Configuration documents: YAML whose top level is a mapping; deep-merged into an agent's effective config.</summary>
internal static class ConfigDocument
{
    public const int MaxDocumentBytes = 1024 * 1024;

    /// <summary>Parses and checks a document from a request.</summary>
    /// <exception cref="RpcException">INVALID_ARGUMENT with the line and column of what is wrong.</exception>
    public static YamlMappingNode Parse(string document)
    {
        if (System.Text.Encoding.UTF8.GetByteCount(document) > MaxDocumentBytes)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"document is larger than {MaxDocumentBytes / 1024} KiB."));
        }

        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(document));
        }
        catch (YamlException ex)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"document is not valid YAML at line {ex.Start.Line}, column {ex.Start.Column}: {ex.Message}"));
        }

        if (stream.Documents.Count != 1)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"document must hold exactly one YAML document; it holds {stream.Documents.Count}."));
        }

        var root = stream.Documents[0].RootNode;
        if (root is not YamlMappingNode mapping)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"document must be a YAML mapping at the top level; found a {Describe(root)} at line {root.Start.Line}, column {root.Start.Column}."));
        }

        return mapping;
    }

    /// <summary>Deep-merges <paramref name="overlay"/> into <paramref name="target"/>: mappings merge key by key, anything else is replaced.</summary>
    public static void Merge(YamlMappingNode target, YamlMappingNode overlay)
    {
        foreach (var (key, value) in overlay.Children)
        {
            if (target.Children.TryGetValue(key, out var existing) && existing is YamlMappingNode existingMapping && value is YamlMappingNode valueMapping)
            {
                Merge(existingMapping, valueMapping);
            }
            else
            {
                target.Children[key] = Clone(value);
            }
        }
    }

    /// <summary>The YAML text of a mapping (block style, no document markers).</summary>
    public static string Write(YamlMappingNode mapping)
    {
        if (mapping.Children.Count == 0)
        {
            return string.Empty;
        }

        using var writer = new StringWriter();
        new YamlStream(new YamlDocument(mapping)).Save(writer, assignAnchors: false);
        var text = writer.ToString().Replace("\r\n", "\n", StringComparison.Ordinal);
        if (text.EndsWith("...\n", StringComparison.Ordinal))
        {
            text = text[..^4];
        }

        return text;
    }

    private static YamlNode Clone(YamlNode node) => node switch
    {
        YamlMappingNode mapping => CloneMapping(mapping),
        YamlSequenceNode sequence => new YamlSequenceNode(sequence.Children.Select(Clone)) { Style = sequence.Style },
        YamlScalarNode scalar => new YamlScalarNode(scalar.Value) { Style = scalar.Style, Tag = scalar.Tag },
        _ => node,
    };

    private static YamlMappingNode CloneMapping(YamlMappingNode mapping)
    {
        var copy = new YamlMappingNode { Style = mapping.Style };
        foreach (var (key, value) in mapping.Children)
        {
            copy.Children[Clone(key)] = Clone(value);
        }

        return copy;
    }

    private static string Describe(YamlNode node) => node switch
    {
        YamlSequenceNode => "sequence",
        YamlScalarNode => "scalar",
        _ => node.NodeType.ToString().ToLowerInvariant(),
    };
}
