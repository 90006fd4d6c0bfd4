namespace SentinelSync.AgentGateway;

/// <summary>The agent-gateway role's settings (configuration section <c>AgentGateway</c>).</summary>
internal sealed class AgentGatewayOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "AgentGateway";

    /// <summary>
    /// The Asset service's gRPC address, e.g. <c>http://127.0.0.1:7403</c>. Empty (the default) means this process's
    /// internal endpoint (<c>Listen:Internal</c>, where the roles' gRPC services listen, with a wildcard host replaced
    /// by 127.0.0.1): the single-node mode.
    /// </summary>
    public string AssetAddress { get; set; } = string.Empty;

    /// <summary>
    /// DNS names and IP addresses the agent endpoint's server certificate must cover. Empty means
    /// <c>localhost</c>, <c>127.0.0.1</c>, <c>::1</c> and this machine's host name.
    /// </summary>
    public List<string> ServerNames { get; set; } = [];

    /// <summary>
    /// How often agents send heartbeats (told to them in Welcome), from 1 second to 1 hour. Set with
    /// <c>Agents:HeartbeatInterval</c>, the one setting the Asset role's offline computation reads too; the old
    /// <c>AgentGateway:HeartbeatInterval</c> and <c>Asset:HeartbeatInterval</c> are deprecated aliases of it (see
    /// <see cref="Internal.AgentGatewayOptionsValidator.HeartbeatIntervalKeys"/>). Default 10 seconds.
    /// </summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a quiet session waits before the gateway sends it a Ping. Default 30 seconds.</summary>
    public TimeSpan PingInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the gateway waits for the Pong before it cuts the stream as dead. Default 20 seconds.</summary>
    public TimeSpan PongTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How long a new stream may take to send its Hello. Default 30 seconds.</summary>
    public TimeSpan HelloTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The most reports forwarded to Asset in one RecordAgentReports call. Default 64.</summary>
    public int MaxBatchSize { get; set; } = 64;

    /// <summary>
    /// How long a batch waits for more reports before it is forwarded; zero forwards at once (reports that
    /// arrive while a call is in flight still join the next batch). Default 5 milliseconds.
    /// </summary>
    public TimeSpan BatchDelay { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>The deadline of each call to the Asset service. Default 15 seconds.</summary>
    public TimeSpan AssetCallTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The most new streams whose welcome (recording the Hello with Asset, fetching the configuration) is in progress
    /// at once; more wait their turn, so a fleet reconnecting after a restart does not push Asset past its deadlines.
    /// Default 32.
    /// </summary>
    public int MaxConcurrentHellos { get; set; } = 32;

    /// <summary>
    /// How many agents a second this gateway expects to take back after it restarts. On shutdown it tells every
    /// connected agent (GoAway) to spread its return over <c>connected agents / ReconnectRate</c> seconds (at most
    /// <see cref="MaxReconnectWindow"/>), so the restarted process sees a steady stream of TLS handshakes instead
    /// of the whole fleet at once. Default 250 a second.
    /// </summary>
    public int ReconnectRate { get; set; } = 250;

    /// <summary>The longest reconnect window told to agents on shutdown (see <see cref="ReconnectRate"/>). Default 2 minutes.</summary>
    public TimeSpan MaxReconnectWindow { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Whether idle agent connections give back OpenSSL's TLS record buffers (about 32 KiB per connection) by setting
    /// <c>SSL_MODE_RELEASE_BUFFERS</c> after the handshake. The runtime offers no supported way to do that, so it is
    /// done through a guarded reach into <c>SslStream</c>'s internals that does nothing where they are not as
    /// expected (see <c>OpenSslBufferRelease</c>). Default true.
    /// </summary>
    public bool ReleaseTlsBuffers { get; set; } = true;

    /// <summary>
    /// Whether agent connections swap Kestrel's 16 KiB HTTP/2 header-encoding buffer, kept for each connection's
    /// life, for a 512-byte one when their Connect stream starts (a larger header block still goes out whole, in
    /// CONTINUATION frames or through a buffer rented for the moment). Kestrel has no setting for it, so it is done
    /// through a guarded reach into Kestrel's internals that does nothing where they are not as expected (see
    /// <c>HeaderEncodingBufferShrink</c>). Default true.
    /// </summary>
    public bool ShrinkHeaderBuffers { get; set; } = true;

    /// <summary>
    /// How often the process gives the C heap's free pages back to the system (glibc <c>malloc_trim</c>; see
    /// <c>NativeHeapTrim</c>): pages freed by idle and closed agent connections otherwise stay resident. Zero turns it
    /// off. Default 1 minute.
    /// </summary>
    public TimeSpan NativeHeapTrimInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How often Kestrel's buffer pools give up half of the blocks that stayed idle since the last time (see
    /// <c>TrimmingMemoryPool</c>), so that the blocks of a connect or reconnect wave do not stay with the process
    /// afterwards. Applies to every Kestrel endpoint of the process. Zero keeps Kestrel's own pool, which gives back
    /// 1 % of its idle blocks every 10 s. Default 10 seconds.
    /// </summary>
    public TimeSpan MemoryPoolTrimInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The smallest wave of agent connections after which the managed heap is compacted once, when no new stream came
    /// for 10 s (see <c>HeapCompaction</c>): a connect or reconnect wave leaves its garbage committed in the oldest
    /// generation otherwise. Zero turns it off. Default 1,000.
    /// </summary>
    public int HeapCompactionMinWave { get; set; } = 1000;

    /// <summary>How often the trust material (server certificate) is fetched again once loaded. Default 1 hour.</summary>
    public TimeSpan TrustRefreshInterval { get; set; } = TimeSpan.FromHours(1);
}
