using System.Collections.Concurrent;
using Grpc.Core;

namespace SentinelSync.AgentGateway.Internal;

/// <summary>The live sessions of this process, one per agent id.</summary>
/// <remarks>Thread-safe. A newer session of an agent replaces and cuts the older one.</remarks>
internal sealed class AgentSessionRegistry
{
    private readonly ConcurrentDictionary<string, AgentSession> _sessions = new(StringComparer.Ordinal);
    private long _added;

    public int Count => _sessions.Count;

    /// <summary>How many sessions were ever added (a counter of agent connections, for <see cref="HeapCompaction"/>).</summary>
    public long Added => Interlocked.Read(ref _added);

    /// <summary>Adds a session; an older session of the same agent is cut with ABORTED.</summary>
    public void Add(AgentSession session)
    {
        Interlocked.Increment(ref _added);
        var replaced = default(AgentSession);
        _sessions.AddOrUpdate(session.AgentId, session, (_, existing) =>
        {
            replaced = existing;
            return session;
        });

        replaced?.Cut(new Status(StatusCode.Aborted, $"Agent '{session.AgentId}' connected again from {session.PeerAddress}; this older stream was replaced."));
    }

    /// <summary>Removes the session if it is still the agent's current one.</summary>
    public void Remove(AgentSession session) => _sessions.TryRemove(new KeyValuePair<string, AgentSession>(session.AgentId, session));

    public bool TryGet(string agentId, out AgentSession session) => _sessions.TryGetValue(agentId, out session!);

    /// <summary>The sessions, enumerated without a snapshot; safe while sessions come and go.</summary>
    public IEnumerable<AgentSession> Sessions => _sessions.Select(pair => pair.Value);
}
