using System.Security.Cryptography;

namespace SentinelSync.Security.Internal;

/// <summary>Checks an API key against <c>auth.api_keys</c>: known, secret matching (fixed time), not revoked, not expired.</summary>
internal sealed class ApiKeyAuthenticator
{
    private readonly AuthStore _store;
    private readonly RoleDirectory _roles;
    private readonly TimeProvider _time;

    public ApiKeyAuthenticator(AuthStore store, RoleDirectory roles, TimeProvider time)
    {
        _store = store;
        _roles = roles;
        _time = time;
    }

    public async Task<(SentinelPrincipal? Principal, string Failure)> AuthenticateAsync(string key, CancellationToken cancellationToken)
    {
        if (!ApiKeySecret.TryParse(key, out var id, out var secret))
        {
            return (null, "the API key is malformed");
        }

        var record = await _store.FindApiKeyAsync(id, cancellationToken);
        var presented = ApiKeySecret.HashSecret(secret);
        if (record is null || !CryptographicOperations.FixedTimeEquals(record.SecretHash, presented))
        {
            return (null, "the API key is not valid");
        }

        if (record.RevokedAt is not null)
        {
            return (null, "the API key was revoked");
        }

        if (record.ExpiresAt <= _time.GetUtcNow())
        {
            return (null, "the API key has expired");
        }

        var permissions = await _roles.ResolveAsync(record.Roles, cancellationToken);
        return (new SentinelPrincipal(record.KeyId, PrincipalKind.ApiKey, record.Roles, permissions), string.Empty);
    }
}
