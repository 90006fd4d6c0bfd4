namespace SentinelSync.Asset.Data;

/// <summary>A row of <c>asset.config_versions</c>: one immutable version of a configuration document.</summary>
internal sealed class ConfigVersionRow
{
    public required string ConfigId { get; set; }

    public long Version { get; set; }

    public required string Document { get; set; }

    public required string Author { get; set; }

    public string Comment { get; set; } = string.Empty;

    public DateTimeOffset CreatedAt { get; set; }
}
