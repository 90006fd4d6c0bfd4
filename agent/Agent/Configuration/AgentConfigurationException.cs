namespace SentinelSync.Agent.Configuration;

/// <summary>The configuration file is unreadable or a setting is invalid; every message names its setting.</summary>
internal sealed class AgentConfigurationException(string source, IReadOnlyList<string> errors)
    : Exception($"Invalid agent configuration {source}:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", errors)}")
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
