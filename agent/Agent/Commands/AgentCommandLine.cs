using System.CommandLine;

namespace SentinelSync.Agent.Commands;

/// <summary>The <c>sentinel-agent</c> command tree.</summary>
internal static class AgentCommandLine
{
    /// <summary>SIGTERM cancels the running command; this is how long it may take to close the stream before the process is ended.</summary>
    public static readonly TimeSpan TerminationGrace = TimeSpan.FromSeconds(10);

    public static RootCommand Create() => new("sentinel-agent: the SentinelSync host agent.")
    {
        CollectCommand.Create(),
        EnrollCommand.Create(),
        RunCommand.Create(),
    };

    public static InvocationConfiguration Invocation() => new() { ProcessTerminationTimeout = TerminationGrace };
}
