namespace SentinelSync.Asset.Data;

/// <summary>A row of <c>asset.enrollment_tokens</c>.</summary>
internal sealed class EnrollmentTokenRow
{
    public required string TokenId { get; set; }

    public required byte[] SecretSha256 { get; set; }

    public string Description { get; set; } = string.Empty;

    public DateTimeOffset ExpiresAt { get; set; }

    public int MaxUses { get; set; }

    public int Uses { get; set; }

    /// <summary>JSON object of string values (jsonb).</summary>
    public string Labels { get; set; } = "{}";

    public bool Revoked { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public required string CreatedBy { get; set; }
}
