using Microsoft.Extensions.DependencyInjection;

namespace SentinelSync.Security.Internal;

/// <summary>
/// Turns presented credentials into a principal: <c>authorization: Bearer &lt;JWT&gt;</c> for people,
/// <c>authorization: Bearer sk_…</c> or <c>x-api-key: sk_…</c> for automation.
/// </summary>
/// <remarks>
/// Access tokens validate anywhere (the key derives from the shared signing key). API keys need the auth
/// role's store, so they are accepted in processes that run it (the gateway's); elsewhere they are refused
/// with a message saying to go through the gateway, because no role reads another's tables.
/// </remarks>
internal sealed class PrincipalResolver
{
    public const string ApiKeyHeader = "x-api-key";

    private readonly AccessTokenCodec _tokens;
    private readonly IServiceProvider _services;

    public PrincipalResolver(AccessTokenCodec tokens, IServiceProvider services)
    {
        _tokens = tokens;
        _services = services;
    }

    /// <summary>True when the request presents any credential.</summary>
    public static bool HasCredentials(string? authorization, string? apiKey) =>
        !string.IsNullOrEmpty(authorization) || !string.IsNullOrEmpty(apiKey);

    /// <summary>The principal the credentials prove, or the reason they prove nothing.</summary>
    public async Task<(SentinelPrincipal? Principal, string Failure)> ResolveAsync(string? authorization, string? apiKey, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(apiKey))
        {
            return await ResolveApiKeyAsync(apiKey.Trim(), cancellationToken);
        }

        if (string.IsNullOrEmpty(authorization))
        {
            return (null, "no credentials");
        }

        const string Scheme = "Bearer ";
        if (!authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return (null, "the authorization header must be 'Bearer <access token or API key>'");
        }

        var credential = authorization[Scheme.Length..].Trim();
        if (credential.StartsWith(ApiKeySecret.Prefix, StringComparison.Ordinal))
        {
            return await ResolveApiKeyAsync(credential, cancellationToken);
        }

        return _tokens.TryValidate(credential, out var principal, out var reason) ? (principal, string.Empty) : (null, reason);
    }

    private async Task<(SentinelPrincipal? Principal, string Failure)> ResolveApiKeyAsync(string key, CancellationToken cancellationToken)
    {
        var authenticator = _services.GetService<ApiKeyAuthenticator>();
        if (authenticator is null)
        {
            return (null, "API keys are accepted at the gateway; this process does not run the auth role");
        }

        return await authenticator.AuthenticateAsync(key, cancellationToken);
    }
}
