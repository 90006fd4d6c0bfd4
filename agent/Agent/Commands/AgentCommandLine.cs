using System.CommandLine;

namespace SentinelSync.Agent.Commands;

/// <summary>The <c>sentinel-agent</c> command tree.</summary>
internal static class AgentCommandLine
{
    public static RootCommand Create() => new("sentinel-agent: the SentinelSync host agent.")
    {
        CollectCommand.Create(),
    };
}
