using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace SentinelSync.Agent.Connection;

// Event ids 3200-3299 belong to the platform stream.
internal sealed partial class AgentUplink
{
    [LoggerMessage(EventId = 3200, Level = LogLevel.Information, Message = "Connected as agent {AgentId}: platform committed up to {Committed}, spool holds up to {LastSequence}, heartbeat every {HeartbeatSeconds}s")]
    private partial void LogConnected(string agentId, ulong committed, ulong lastSequence, double heartbeatSeconds);

    [LoggerMessage(EventId = 3201, Level = LogLevel.Warning, Message = "The platform ended the stream")]
    private partial void LogStreamEnded();

    [LoggerMessage(EventId = 3202, Level = LogLevel.Warning, Message = "Stream failed: {StatusCode} {Detail}")]
    private partial void LogStreamFailed(StatusCode statusCode, string detail);

    [LoggerMessage(EventId = 3203, Level = LogLevel.Warning, Message = "Stream broken ({Kind}): {Reason}")]
    private partial void LogStreamBroken(string kind, string reason);

    [LoggerMessage(EventId = 3204, Level = LogLevel.Information, Message = "Reconnecting in {DelayMs:F0} ms (attempt {Attempt})")]
    private partial void LogReconnecting(double delayMs, int attempt);

    [LoggerMessage(EventId = 3205, Level = LogLevel.Information, Message = "Stream closed: spool up to {LastSequence}, platform committed up to {Committed}")]
    private partial void LogClosed(ulong lastSequence, ulong committed);

    [LoggerMessage(EventId = 3207, Level = LogLevel.Information, Message = "The platform is going away; reconnecting spread over the next {WindowSeconds:F1} s")]
    private partial void LogGoAway(double windowSeconds);

    [LoggerMessage(EventId = 3206, Level = LogLevel.Debug, Message = "Ignored a {Kind} message from the platform; this agent does not handle it yet")]
    private partial void LogIgnored(string kind);
}
