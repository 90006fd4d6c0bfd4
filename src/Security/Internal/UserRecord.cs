namespace SentinelSync.Security.Internal;

/// <summary>A row of <c>auth.users</c>.</summary>
internal sealed record UserRecord(string Username, string PasswordHash, IReadOnlyList<string> Roles, bool MustChangePassword, DateTimeOffset CreatedAt);
