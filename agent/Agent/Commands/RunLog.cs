using Microsoft.Extensions.Logging;

namespace SentinelSync.Agent.Commands;

// Event ids 3500-3599 belong to the run command.
internal static partial class RunLog
{
    [LoggerMessage(EventId = 3500, Level = LogLevel.Information, Message = "sentinel-agent {Version} started as {AgentId} for {Server}; spool holds up to sequence {LastSequence}")]
    public static partial void Started(ILogger logger, string version, string agentId, string server, ulong lastSequence);

    [LoggerMessage(EventId = 3501, Level = LogLevel.Information, Message = "sentinel-agent stopped: spooled up to {LastSequence}, platform committed up to {Committed}")]
    public static partial void Stopped(ILogger logger, ulong lastSequence, ulong committed);

    [LoggerMessage(EventId = 3502, Level = LogLevel.Critical, Message = "A loop of the agent failed; exiting so that systemd restarts it")]
    public static partial void LoopFailed(ILogger logger, Exception exception);
}
