using System.CommandLine;
using SentinelSync.Agent.Configuration;

namespace SentinelSync.Agent.Commands;

/// <summary>The <c>--config</c> option of <c>enroll</c> and <c>run</c>.</summary>
internal static class ConfigurationOption
{
    public static Option<FileInfo?> Create() => new("--config")
    {
        Description = $"The agent's configuration file. Default {AgentOptions.DefaultPath}.",
    };

    /// <summary>Loads the file named by the option, or the default path.</summary>
    /// <exception cref="AgentConfigurationException">The file is missing or invalid.</exception>
    public static AgentOptions Load(FileInfo? file) => AgentConfigurationReader.Load(file?.FullName ?? AgentOptions.DefaultPath);
}
