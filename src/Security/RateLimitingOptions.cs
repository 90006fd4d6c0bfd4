namespace SentinelSync.Security;

/// <summary>Request rate limits at the edge (section <c>Security:RateLimit</c>), in fixed windows.</summary>
public sealed class RateLimitingOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Security:RateLimit";

    /// <summary>Requests an authenticated principal may make per window. Default 200.</summary>
    public int PermitsPerPrincipal { get; set; } = 200;

    /// <summary>Requests an unauthenticated client address may make per window. Default 100.</summary>
    public int PermitsPerAddress { get; set; } = 100;

    /// <summary>The window. Default 10 seconds.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(10);
}
