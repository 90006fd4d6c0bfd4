using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace SentinelSync.AgentGateway.Internal;

/// <summary>The agent gateway's log events (ids 2000–2999; never reuse one).</summary>
internal static partial class AgentGatewayLog
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Information, EventName = "AgentTrustLoaded", Message = "Agent endpoint trust material loaded from Asset (attempt {Attempt}).")]
    public static partial void TrustLoaded(ILogger logger, int attempt);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, EventName = "AgentTrustUnavailable", Message = "Asset at {AssetAddress} did not give the agent endpoint's trust material (attempt {Attempt}): {Error}. Retrying; the agent endpoint refuses handshakes until then.")]
    public static partial void TrustUnavailable(ILogger logger, string assetAddress, int attempt, string error);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Information, EventName = "AgentConnected", Message = "Agent {AgentId} connected from {Peer} (version {AgentVersion}, committed sequence {CommittedSequence}).")]
    public static partial void Connected(ILogger logger, string agentId, string peer, string agentVersion, ulong committedSequence);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Information, EventName = "AgentDisconnected", Message = "Agent {AgentId} from {Peer} disconnected ({Status}).")]
    public static partial void Disconnected(ILogger logger, string agentId, string peer, StatusCode status);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Warning, EventName = "AgentProtocolViolation", Message = "Agent {AgentId} from {Peer} broke the stream protocol: {Detail}")]
    public static partial void ProtocolViolation(ILogger logger, string agentId, string peer, string detail);

    [LoggerMessage(EventId = 2013, Level = LogLevel.Warning, EventName = "AgentRefused", Message = "Asset refused agent {AgentId} from {Peer}: {Detail}")]
    public static partial void Refused(ILogger logger, string agentId, string peer, string detail);

    [LoggerMessage(EventId = 2014, Level = LogLevel.Warning, EventName = "AgentPeerDead", Message = "Agent {AgentId} from {Peer} did not answer a Ping within {PongTimeout}; its stream is cut.")]
    public static partial void PeerDead(ILogger logger, string agentId, string peer, TimeSpan pongTimeout);

    [LoggerMessage(EventId = 2015, Level = LogLevel.Information, EventName = "AgentDecommissionedCut", Message = "Agent {AgentId} was decommissioned; its stream from {Peer} is cut.")]
    public static partial void DecommissionedCut(ILogger logger, string agentId, string peer);

    [LoggerMessage(EventId = 2020, Level = LogLevel.Warning, EventName = "RecordReportsFailed", Message = "Recording reports of agent {AgentId} failed ({Status}: {Detail}); the stream is cut so the agent replays them.")]
    public static partial void RecordFailed(ILogger logger, string agentId, StatusCode status, string detail);

    [LoggerMessage(EventId = 2030, Level = LogLevel.Debug, EventName = "ConfigPushed", Message = "Configuration version {Version} sent to agent {AgentId}.")]
    public static partial void ConfigPushed(ILogger logger, string agentId, long version);

    [LoggerMessage(EventId = 2031, Level = LogLevel.Warning, EventName = "ConfigFetchFailed", Message = "Fetching the effective configuration of agent {AgentId} failed ({Status}: {Detail}); the next change or reconnect tries again.")]
    public static partial void ConfigFetchFailed(ILogger logger, string agentId, StatusCode status, string detail);

    [LoggerMessage(EventId = 2040, Level = LogLevel.Warning, EventName = "AssetWatchFailed", Message = "The {Watch} subscription to Asset failed ({Status}: {Detail}); subscribing again.")]
    public static partial void WatchFailed(ILogger logger, string watch, StatusCode status, string detail);

    [LoggerMessage(EventId = 2060, Level = LogLevel.Information, EventName = "TlsBufferReleaseUnavailable", Message = "AgentGateway:ReleaseTlsBuffers is on, but this runtime's TLS stack does not allow it (not Linux with libssl.so.3, or SslStream's internals changed); agent connections keep their TLS record buffers while idle.")]
    public static partial void TlsBufferReleaseUnavailable(ILogger logger);

    [LoggerMessage(EventId = 2061, Level = LogLevel.Information, EventName = "HeaderBufferShrinkUnavailable", Message = "AgentGateway:ShrinkHeaderBuffers is on, but this Kestrel's HTTP/2 internals are not the ones it expects; agent connections keep Kestrel's 16 KiB header-encoding buffer.")]
    public static partial void HeaderBufferShrinkUnavailable(ILogger logger);

    [LoggerMessage(EventId = 2062, Level = LogLevel.Information, EventName = "HeapCompacted", Message = "Compacted the managed heap after {Wave}: {BeforeMiB} MiB committed before, {AfterMiB} MiB after, in {Milliseconds:F0} ms.")]
    private static partial void HeapCompacted(ILogger logger, string wave, long beforeMiB, long afterMiB, double milliseconds);

    /// <summary>Event 2062; <paramref name="connections"/> is negative for the compaction after start-up.</summary>
    public static void HeapCompacted(ILogger logger, long connections, long beforeMiB, long afterMiB, double milliseconds) =>
        HeapCompacted(logger, connections < 0 ? "start-up" : $"a wave of {connections} agent connections", beforeMiB, afterMiB, milliseconds);

    [LoggerMessage(EventId = 2050, Level = LogLevel.Warning, EventName = "EnrollForwardFailed", Message = "Forwarding an Enroll call to Asset failed: {Error}")]
    public static partial void EnrollForwardFailed(ILogger logger, string error);
}
