using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SentinelSync.Agent.Configuration;

/// <summary>
/// Reads the agent's YAML configuration into <see cref="AgentOptions"/> and validates it.
/// </summary>
/// <remarks>
/// The YAML node tree is mapped by hand rather than through YamlDotNet's reflection-based
/// deserializer: the agent is trimmed, and walking the nodes gives every error its line and
/// setting name and rejects misspelt keys instead of ignoring them.
/// </remarks>
internal sealed class AgentConfigurationReader
{
    private readonly string _source;
    private readonly bool _pushed;
    private readonly List<string> _errors = [];

    private AgentConfigurationReader(string source, bool pushed)
    {
        _source = source;
        _pushed = pushed;
    }

    /// <summary>Reads and validates the file at <paramref name="path"/>.</summary>
    /// <exception cref="AgentConfigurationException">The file is missing, not YAML, or a setting is invalid.</exception>
    public static AgentOptions Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new AgentConfigurationException(path, [$"cannot read the file: {ex.Message}"]);
        }

        return Parse(text, path);
    }

    /// <summary>Parses and validates a YAML document; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="AgentConfigurationException">The text is not YAML, or a setting is invalid.</exception>
    public static AgentOptions Parse(string yaml, string source) => Parse(yaml, source, baseline: null);

    /// <summary>
    /// Parses and validates a configuration pushed by the platform, layered over the local file's
    /// <paramref name="local"/> settings: what the document names replaces the local value. The
    /// settings that describe this host (<c>server_url</c>, <c>state_directory</c>, the collector
    /// roots) are the local file's alone; a pushed document that names one is rejected.
    /// </summary>
    /// <exception cref="AgentConfigurationException">The text is not YAML, or a setting is invalid or local-only.</exception>
    public static AgentOptions ParsePushed(string yaml, string source, AgentOptions local) => Parse(yaml, source, local);

    private static AgentOptions Parse(string yaml, string source, AgentOptions? baseline)
    {
        var reader = new AgentConfigurationReader(source, pushed: baseline is not null);
        var options = baseline is null ? new AgentOptions() : baseline.Clone();
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            throw new AgentConfigurationException(source, [$"line {ex.Start.Line}: not valid YAML: {ex.Message}"]);
        }

        if (stream.Documents.Count > 0)
        {
            reader.BindRoot(stream.Documents[0].RootNode, options);
        }

        options.Spool.Directory = Path.Combine(options.StateDirectory, "spool");
        if (reader._errors.Count == 0)
        {
            reader._errors.AddRange(AgentOptionsValidator.Validate(options));
        }

        return reader._errors.Count == 0 ? options : throw new AgentConfigurationException(source, reader._errors);
    }

    private void BindRoot(YamlNode root, AgentOptions options) => Mapping(root, string.Empty, new()
    {
        ["server_url"] = LocalOnly((node, path) => Scalar(node, path, text =>
        {
            if (Uri.TryCreate(text, UriKind.Absolute, out var uri))
            {
                options.ServerUrl = uri;
            }
            else
            {
                Fail(node, path, $"'{text}' is not an absolute URL");
            }
        })),
        ["state_directory"] = LocalOnly((node, path) => Scalar(node, path, text => options.StateDirectory = text)),
        ["collectors"] = (node, path) => Mapping(node, path, new()
        {
            ["proc_root"] = LocalOnly((n, p) => Scalar(n, p, text => options.Collectors.ProcRoot = text)),
            ["sys_root"] = LocalOnly((n, p) => Scalar(n, p, text => options.Collectors.SysRoot = text)),
            ["etc_root"] = LocalOnly((n, p) => Scalar(n, p, text => options.Collectors.EtcRoot = text)),
            ["inventory_interval"] = (n, p) => Duration(n, p, value => options.Collectors.InventoryInterval = value),
            ["metrics_interval"] = (n, p) => Duration(n, p, value => options.Collectors.MetricsInterval = value),
            ["disabled"] = (n, p) =>
            {
                // A list replaces the one inherited from the local file.
                options.Collectors.Disabled.Clear();
                Sequence(n, p, text => options.Collectors.Disabled.Add(text));
            },
        }),
        ["spool"] = (node, path) => Mapping(node, path, new()
        {
            ["max_size"] = (n, p) => ByteSize(n, p, value => options.Spool.MaxBytes = value),
            ["segment_size"] = (n, p) => ByteSize(n, p, value => options.Spool.SegmentBytes = value),
        }),
        ["reconnect"] = (node, path) => Mapping(node, path, new()
        {
            ["initial_delay"] = (n, p) => Duration(n, p, value => options.Reconnect.InitialDelay = value),
            ["max_delay"] = (n, p) => Duration(n, p, value => options.Reconnect.MaxDelay = value),
            ["keepalive_interval"] = (n, p) => Duration(n, p, value => options.Reconnect.KeepAliveInterval = value),
            ["keepalive_timeout"] = (n, p) => Duration(n, p, value => options.Reconnect.KeepAliveTimeout = value),
            ["silence_timeout"] = (n, p) => Duration(n, p, value => options.Reconnect.SilenceTimeout = value),
        }),
    });

    /// <summary>A setting that only the local file may carry.</summary>
    private Action<YamlNode, string> LocalOnly(Action<YamlNode, string> bind) => (node, path) =>
    {
        if (_pushed)
        {
            Fail(node, path, "set only in the agent's local configuration file, never by the platform");
        }
        else
        {
            bind(node, path);
        }
    };

    private void Mapping(YamlNode node, string path, Dictionary<string, Action<YamlNode, string>> settings)
    {
        if (node is YamlScalarNode { Value: null or "" or "~" or "null" })
        {
            return;
        }

        if (node is not YamlMappingNode mapping)
        {
            Fail(node, path.Length == 0 ? "(document)" : path, "expected a mapping of settings");
            return;
        }

        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? string.Empty;
            var setting = path.Length == 0 ? key : $"{path}.{key}";
            if (settings.TryGetValue(key, out var bind))
            {
                bind(valueNode, setting);
            }
            else
            {
                Fail(keyNode, setting, $"unknown setting; expected one of {string.Join(", ", settings.Keys)}");
            }
        }
    }

    private void Scalar(YamlNode node, string path, Action<string> assign)
    {
        if (node is YamlScalarNode { Value: { Length: > 0 } text })
        {
            assign(text);
        }
        else
        {
            Fail(node, path, "expected a value");
        }
    }

    private void Sequence(YamlNode node, string path, Action<string> add)
    {
        if (node is not YamlSequenceNode sequence)
        {
            Fail(node, path, "expected a list, e.g. [metrics.netdev]");
            return;
        }

        foreach (var item in sequence.Children)
        {
            Scalar(item, path, add);
        }
    }

    private void Duration(YamlNode node, string path, Action<TimeSpan> assign) => Scalar(node, path, text =>
    {
        if (DurationText.TryParse(text, out var value))
        {
            assign(value);
        }
        else
        {
            Fail(node, path, $"'{text}' is not {DurationText.Expected}");
        }
    });

    private void ByteSize(YamlNode node, string path, Action<long> assign) => Scalar(node, path, text =>
    {
        if (ByteSizeText.TryParse(text, out var value))
        {
            assign(value);
        }
        else
        {
            Fail(node, path, $"'{text}' is not {ByteSizeText.Expected}");
        }
    });

    private void Fail(YamlNode node, string path, string message) =>
        _errors.Add($"line {node.Start.Line}: {path}: {message}");
}
