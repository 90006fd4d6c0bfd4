namespace SentinelSync.Security;

/// <summary>Access-control settings shared by every role process (section <c>Security</c>).</summary>
public sealed class SecurityOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Security";

    /// <summary>
    /// Base64 of 32 random bytes, the same in every process of a deployment. Signs the internal principal the
    /// gateway forwards, and (through a derived key) the access tokens. Required; generate with
    /// <c>openssl rand -base64 32</c>.
    /// </summary>
    public string InternalSigningKey { get; set; } = string.Empty;

    /// <summary>The <c>iss</c> of issued access tokens, checked on validation.</summary>
    public string Issuer { get; set; } = "sentinel";

    /// <summary>The <c>aud</c> of issued access tokens, checked on validation.</summary>
    public string Audience { get; set; } = "sentinel";

    /// <summary>How long an access token (JWT) is valid. Default 15 minutes; 1 minute to 1 hour.</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a refresh token is valid. Default 30 days; 1 hour to 90 days.</summary>
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How long a signed internal principal is valid after the gateway signed it. Default 60 seconds; 5 seconds to 5 minutes.</summary>
    public TimeSpan PrincipalLifetime { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Allowed clock difference when checking token times. Default 30 seconds.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The password of the <c>admin</c> user created at the first start (no user exists yet). When empty, one is
    /// generated, printed once to standard output and must be changed at the first login.
    /// </summary>
    public string InitialAdminPassword { get; set; } = string.Empty;

    /// <summary>
    /// Failed logins per username within <see cref="FailedLoginWindow"/> before further attempts are refused. Default 5.
    /// Counted in PostgreSQL, so every gateway replica sees the same count.
    /// </summary>
    public int MaxFailedLoginsPerUser { get; set; } = 5;

    /// <summary>Failed logins per client address within <see cref="FailedLoginWindow"/> before further attempts are refused. Default 20.</summary>
    public int MaxFailedLoginsPerAddress { get; set; } = 20;

    /// <summary>The window failed logins are counted in. Default 15 minutes.</summary>
    public TimeSpan FailedLoginWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Proxies whose <c>X-Forwarded-For</c> is believed, comma-separated addresses or CIDR networks
    /// (<c>127.0.0.1,::1,10.0.0.0/8</c>). The client address that rate limits and login throttling count is the
    /// connection's peer, or, when the peer is listed here, the first address in <c>X-Forwarded-For</c> (read from the
    /// right) that is not. Default <c>127.0.0.1,::1</c>: the gateway reaches its own auth role over loopback. Add a load
    /// balancer in front of the gateway here; never a network that clients connect from.
    /// </summary>
    public string TrustedProxies { get; set; } = "127.0.0.1,::1";

    /// <summary>The largest request body the edge accepts, in bytes. Default 4 MiB.</summary>
    public long MaxRequestBodyBytes { get; set; } = 4 * 1024 * 1024;
}
