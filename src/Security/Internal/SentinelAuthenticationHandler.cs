using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SentinelSync.Security.Internal;

/// <summary>
/// The ASP.NET Core authentication scheme of the edge: bearer access tokens and API keys, through the same
/// <see cref="PrincipalResolver"/> the gRPC interceptor uses. The <see cref="SentinelPrincipal"/> lands in
/// <c>HttpContext.GetSentinelPrincipal()</c> for the rate limiter, the REST transcoder and the signer.
/// </summary>
internal sealed class SentinelAuthenticationHandler : AuthenticationHandler<AuthenticationSchemeOptions>
{
    private readonly PrincipalResolver _resolver;

    public SentinelAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, PrincipalResolver resolver)
        : base(options, logger, encoder)
    {
        _resolver = resolver;
    }

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? authorization = Request.Headers.Authorization;
        string? apiKey = Request.Headers[PrincipalResolver.ApiKeyHeader];
        if (!PrincipalResolver.HasCredentials(authorization, apiKey))
        {
            return AuthenticateResult.NoResult();
        }

        var (principal, failure) = await _resolver.ResolveAsync(authorization, apiKey, Context.RequestAborted);
        if (principal is null)
        {
            return AuthenticateResult.Fail(failure);
        }

        Context.SetSentinelPrincipal(principal);
        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, principal.Name),
            new(SecurityServiceCollectionExtensions.KindClaim, PrincipalJson.KindName(principal.Kind)),
        };
        claims.AddRange(principal.Roles.Select(role => new Claim(ClaimTypes.Role, role)));
        claims.AddRange(principal.Permissions.Select(permission => new Claim(SecurityServiceCollectionExtensions.PermissionClaim, permission)));
        var identity = new ClaimsIdentity(claims, Scheme.Name);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }
}
