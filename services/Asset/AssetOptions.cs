namespace SentinelSync.Asset;

/// <summary>Settings of the <c>asset</c> role (section <c>Asset</c>).</summary>
public sealed class AssetOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Asset";

    /// <summary>
    /// How often agents send heartbeats, from 1 second to 1 hour: the agent-gateway role tells agents this interval in
    /// <c>Welcome</c>, and the offline computation counts in it. Set with <c>Agents:HeartbeatInterval</c>, the one
    /// setting both roles read; the old <c>Asset:HeartbeatInterval</c> and <c>AgentGateway:HeartbeatInterval</c> are
    /// deprecated aliases of it (see <see cref="AssetOptionsValidator.HeartbeatIntervalKeys"/>). Default 10 seconds.
    /// </summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How many heartbeat intervals may pass without a heartbeat before an agent counts as offline. Default 3.
    /// </summary>
    public int MissedHeartbeatsOffline { get; set; } = 3;

    /// <summary>
    /// Base64 of 32 random bytes: the AES-256-GCM key that encrypts the platform CA's private key in the
    /// database. Required. Losing it means enrolling every agent again; a wrong one stops start-up.
    /// </summary>
    public string CaKeyEncryptionKey { get; set; } = string.Empty;

    /// <summary>The longest validity an enrollment token may be given. Default 30 days.</summary>
    public TimeSpan MaxTokenTtl { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How long after its last heartbeat an agent counts as offline.</summary>
    internal TimeSpan OfflineAfter => HeartbeatInterval * MissedHeartbeatsOffline;
}
