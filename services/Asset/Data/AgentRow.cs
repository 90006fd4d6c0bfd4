namespace SentinelSync.Asset.Data;

/// <summary>A row of <c>asset.agents</c>.</summary>
internal sealed class AgentRow
{
    public required string AgentId { get; set; }

    public required string Hostname { get; set; }

    public string[] Addresses { get; set; } = [];

    public string SearchText { get; set; } = string.Empty;

    /// <summary>JSON object of string values (jsonb).</summary>
    public string Labels { get; set; } = "{}";

    public string AgentVersion { get; set; } = string.Empty;

    public string OsVersion { get; set; } = string.Empty;

    public string? EnrollmentTokenId { get; set; }

    public required string CertificateSerial { get; set; }

    public DateTimeOffset CertificateExpiresAt { get; set; }

    public DateTimeOffset FirstSeen { get; set; }

    public DateTimeOffset? LastSeen { get; set; }

    public short AnnouncedState { get; set; }

    public DateTimeOffset? DecommissionedAt { get; set; }

    public string? DecommissionReason { get; set; }

    public long CommittedSequence { get; set; }

    public long AppliedConfigVersion { get; set; }

    public long ConfigStatusVersion { get; set; }

    public bool ConfigStatusApplied { get; set; }

    public string ConfigRejectionReason { get; set; } = string.Empty;

    public DateTimeOffset UpdatedAt { get; set; }
}
