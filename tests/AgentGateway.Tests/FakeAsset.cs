using System.Collections.Concurrent;
using System.Threading.Channels;
using SentinelSync.Contracts.Agent.V1;
using SentinelSync.Contracts.Asset.V1;

namespace SentinelSync.AgentGateway.Tests;

/// <summary>The fake Asset's state: what it recorded, issued and broadcast, for tests to look at and steer.</summary>
internal sealed class FakeAsset
{
    public const string EnrollmentSecret = "test-enrollment-secret";

    private readonly ConcurrentDictionary<string, AgentRecord> _agents = new(StringComparer.Ordinal);
    private readonly List<Channel<WatchAgentsResponse>> _agentWatches = [];
    private readonly List<Channel<WatchConfigChangesResponse>> _configWatches = [];
    private readonly Lock _lock = new();
    private int _nextAgent;
    private long _nextConfigVersion;
    private bool _trustUnavailable;
    private int _hellosArrived;
    private int _heartbeatsRefused;

    public TestCertificateAuthority Ca { get; } = new("Test Platform CA");

    /// <summary>When set, GetAgentTrust answers UNAVAILABLE (Asset not up yet).</summary>
    public bool TrustUnavailable
    {
        get => Volatile.Read(ref _trustUnavailable);
        set => Volatile.Write(ref _trustUnavailable, value);
    }

    /// <summary>When set, RecordAgentReports calls carrying only unsequenced heartbeats fail with UNAVAILABLE.</summary>
    public bool HeartbeatsUnavailable { get; set; }

    /// <summary>Calls refused because of <see cref="HeartbeatsUnavailable"/>.</summary>
    public int HeartbeatsRefused => Volatile.Read(ref _heartbeatsRefused);

    /// <summary>When set, RecordAgentReports calls carrying a Hello wait for it before they are recorded.</summary>
    public TaskCompletionSource? HoldHellos { get; set; }

    /// <summary>RecordAgentReports calls carrying a Hello that arrived (held or not).</summary>
    public int HellosArrived => Volatile.Read(ref _hellosArrived);

    /// <summary>The internal-caller header value of the last internal call; null if a call came without one.</summary>
    public ConcurrentBag<string?> InternalCallers { get; } = [];

    public void OnHelloArrived() => Interlocked.Increment(ref _hellosArrived);

    public void OnHeartbeatRefused() => Interlocked.Increment(ref _heartbeatsRefused);

    public string NewAgentId() => $"agent-{Interlocked.Increment(ref _nextAgent):D4}";

    public AgentRecord Agent(string agentId) => _agents.GetOrAdd(agentId, id => new AgentRecord(id));

    public bool IsKnown(string agentId) => _agents.ContainsKey(agentId);

    public int ConnectedWatchers
    {
        get
        {
            lock (_lock)
            {
                return _agentWatches.Count + _configWatches.Count;
            }
        }
    }

    public void Decommission(string agentId)
    {
        Agent(agentId).Decommissioned = true;
        Broadcast(_agentWatches, new WatchAgentsResponse { Agent = new Agent { AgentId = agentId, State = AgentState.Decommissioned } });
    }

    /// <summary>Stores a configuration for one agent and tells the watchers.</summary>
    public long PutConfig(string agentId, string document)
    {
        var version = Interlocked.Increment(ref _nextConfigVersion);
        var agent = Agent(agentId);
        lock (agent)
        {
            agent.ConfigVersion = version;
            agent.ConfigDocument = document;
        }

        Broadcast(_configWatches, new WatchConfigChangesResponse { Target = new ConfigTarget { AgentId = agentId }, Version = version });
        return version;
    }

    public ChannelReader<WatchAgentsResponse> WatchAgents() => Subscribe(_agentWatches);

    public ChannelReader<WatchConfigChangesResponse> WatchConfigChanges() => Subscribe(_configWatches);

    public void Unsubscribe<T>(ChannelReader<T> reader)
    {
        lock (_lock)
        {
            _agentWatches.RemoveAll(channel => ReferenceEquals(channel.Reader, reader));
            _configWatches.RemoveAll(channel => ReferenceEquals(channel.Reader, reader));
        }
    }

    private ChannelReader<T> Subscribe<T>(List<Channel<T>> watches)
    {
        var channel = Channel.CreateUnbounded<T>();
        lock (_lock)
        {
            watches.Add(channel);
        }

        return channel.Reader;
    }

    private void Broadcast<T>(List<Channel<T>> watches, T message)
    {
        lock (_lock)
        {
            foreach (var watch in watches)
            {
                watch.Writer.TryWrite(message);
            }
        }
    }

    /// <summary>One agent as the fake Asset knows it.</summary>
    internal sealed class AgentRecord(string agentId)
    {
        public string AgentId { get; } = agentId;

        public volatile bool Decommissioned;

        public long ConfigVersion { get; set; }

        public string ConfigDocument { get; set; } = string.Empty;

        /// <summary>How often each sequence was recorded (must stay 1), and every report in arrival order.</summary>
        public ConcurrentDictionary<ulong, int> RecordCounts { get; } = new();

        public ConcurrentQueue<ConnectRequest> Reports { get; } = new();

        public ConcurrentQueue<int> BatchSizes { get; } = new();

        public ulong Committed { get; set; }

        public ConcurrentQueue<ConfigStatus> ConfigStatuses { get; } = new();
    }
}
