using Microsoft.Extensions.Logging;

namespace SentinelSync.Security.Internal;

/// <summary>Log messages of access control (event ids 4300–4599).</summary>
internal static partial class SecurityLog
{
    [LoggerMessage(4300, LogLevel.Information, "Call {Method} refused ({Decision}): {Reason}")]
    public static partial void CallRefused(ILogger logger, string method, AccessDecisionKind decision, string reason);

    [LoggerMessage(4301, LogLevel.Debug, "Credentials presented for {Method} refused: {Reason}")]
    public static partial void CredentialsRefused(ILogger logger, string method, string reason);

    [LoggerMessage(4310, LogLevel.Warning, "Failed login for {Username} from {Address}")]
    public static partial void LoginFailed(ILogger logger, string username, string address);

    [LoggerMessage(4311, LogLevel.Warning, "Login for {Username} from {Address} throttled for {RetryAfter}")]
    public static partial void LoginThrottled(ILogger logger, string username, string address, TimeSpan retryAfter);

    [LoggerMessage(4312, LogLevel.Information, "{Username} logged in from {Address}")]
    public static partial void LoggedIn(ILogger logger, string username, string address);

    [LoggerMessage(4313, LogLevel.Warning, "A rotated refresh token of {Username} was presented again; the session family is revoked")]
    public static partial void RefreshTokenReused(ILogger logger, string username);

    [LoggerMessage(4320, LogLevel.Information, "{Actor} created API key {KeyId} ({Name}) with roles {Roles}")]
    public static partial void ApiKeyCreated(ILogger logger, string actor, string keyId, string name, string roles);

    [LoggerMessage(4321, LogLevel.Information, "{Actor} revoked API key {KeyId}")]
    public static partial void ApiKeyRevoked(ILogger logger, string actor, string keyId);

    [LoggerMessage(4330, LogLevel.Information, "{Actor} created user {Username} with roles {Roles}")]
    public static partial void UserCreated(ILogger logger, string actor, string username, string roles);

    [LoggerMessage(4331, LogLevel.Information, "{Actor} set the roles of {Username} to {Roles}")]
    public static partial void UserRolesSet(ILogger logger, string actor, string username, string roles);

    [LoggerMessage(4332, LogLevel.Information, "{Username} changed their password")]
    public static partial void PasswordChanged(ILogger logger, string username);

    [LoggerMessage(4333, LogLevel.Information, "{Actor} put role {Role} with {Count} permissions")]
    public static partial void RolePut(ILogger logger, string actor, string role, int count);

    [LoggerMessage(4340, LogLevel.Warning, "Created the initial admin user 'admin' with a generated password, printed once to standard output; change it at the first login")]
    public static partial void InitialAdminGenerated(ILogger logger);

    [LoggerMessage(4341, LogLevel.Information, "Created the initial admin user 'admin' with the password from Security:InitialAdminPassword")]
    public static partial void InitialAdminConfigured(ILogger logger);

    [LoggerMessage(4350, LogLevel.Information, "Rate limit hit by {Partition} on {Path}")]
    public static partial void RateLimited(ILogger logger, string partition, string path);
}
