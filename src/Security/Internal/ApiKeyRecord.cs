namespace SentinelSync.Security.Internal;

/// <summary>A row of <c>auth.api_keys</c>.</summary>
internal sealed record ApiKeyRecord(
    string KeyId,
    string Name,
    byte[] SecretHash,
    IReadOnlyList<string> Roles,
    string CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? RevokedAt);
