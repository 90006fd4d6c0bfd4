namespace SentinelSync.Asset.Data;

/// <summary>A row of <c>asset.configs</c>: one configuration document and its current version.</summary>
internal sealed class ConfigRow
{
    public required string ConfigId { get; set; }

    public string? TargetAgentId { get; set; }

    public string? TargetSelector { get; set; }

    public long CurrentVersion { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Creation order (a bigserial), the order selector documents merge in.</summary>
    public long CreatedOrder { get; set; }
}
