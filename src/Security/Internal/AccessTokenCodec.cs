using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace SentinelSync.Security.Internal;

/// <summary>
/// Issues and validates access tokens: compact JWS, HS256 only, with a key derived from
/// <c>Security:InternalSigningKey</c>, so every service can validate a token presented directly.
/// </summary>
/// <remarks>
/// Written here because the feed lacks a JwtBearer whose IdentityModel dependencies it serves. Validation is
/// strict: the header must be exactly HS256/JWT (no <c>none</c>, no key ids, no <c>crit</c>), the signature is
/// compared in fixed time before the payload is read, and iss, aud, exp, nbf and iat are checked with
/// <see cref="SecurityOptions.ClockSkew"/>. Thread-safe.
/// </remarks>
internal sealed class AccessTokenCodec
{
    private const int MaxTokenLength = 16 * 1024;
    private static readonly string EncodedHeader = Base64Url.EncodeToString("""{"alg":"HS256","typ":"JWT"}"""u8);

    private readonly byte[] _key;
    private readonly SecurityOptions _options;
    private readonly TimeProvider _time;

    public AccessTokenCodec(IOptions<SecurityOptions> options, TimeProvider time)
    {
        _options = options.Value;
        _key = new SecurityKeys(options).TokenKey;
        _time = time;
    }

    /// <summary>Issues a token for a person.</summary>
    public string Issue(SentinelPrincipal principal, out DateTimeOffset expiresAt)
    {
        var now = _time.GetUtcNow();
        expiresAt = now.Add(_options.AccessTokenLifetime);
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("iss", _options.Issuer);
            writer.WriteString("aud", _options.Audience);
            writer.WriteString("sub", principal.Name);
            writer.WriteString("kind", PrincipalJson.KindName(principal.Kind));
            PrincipalJson.WriteStrings(writer, "roles", principal.Roles);
            PrincipalJson.WriteStrings(writer, "perms", principal.Permissions);
            writer.WriteNumber("iat", now.ToUnixTimeSeconds());
            writer.WriteNumber("nbf", now.ToUnixTimeSeconds());
            writer.WriteNumber("exp", expiresAt.ToUnixTimeSeconds());
            writer.WriteString("jti", Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)));
            writer.WriteEndObject();
        }

        var signingInput = EncodedHeader + "." + Base64Url.EncodeToString(buffer.ToArray());
        return signingInput + "." + Base64Url.EncodeToString(HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(signingInput)));
    }

    /// <summary>Validates a token; on success the principal it names.</summary>
    public bool TryValidate(string token, out SentinelPrincipal principal, out string reason)
    {
        principal = null!;
        if (token.Length > MaxTokenLength)
        {
            reason = "the access token is too large";
            return false;
        }

        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            reason = "the access token is not a compact JWS";
            return false;
        }

        // 1. The header must be exactly ours; anything else (alg none, RS256, kid, crit) is refused outright.
        if (!IsExpectedHeader(parts[0]))
        {
            reason = "the access token's header is not HS256";
            return false;
        }

        // 2. The signature, in fixed time, before the payload is trusted.
        Span<byte> presented = stackalloc byte[48];
        if (parts[2].Length > 64 || !Base64Url.IsValid(parts[2].AsSpan()) || !Base64Url.TryDecodeFromChars(parts[2], presented, out var written) || written != 32)
        {
            reason = "the access token's signature is malformed";
            return false;
        }

        var expected = HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]));
        if (!CryptographicOperations.FixedTimeEquals(expected, presented[..32]))
        {
            reason = "the access token's signature does not match";
            return false;
        }

        // 3. The claims.
        try
        {
            using var document = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
            var root = document.RootElement;
            var now = _time.GetUtcNow().ToUnixTimeSeconds();
            var skew = (long)_options.ClockSkew.TotalSeconds;
            if (PrincipalJson.ReadString(root, "iss") != _options.Issuer || PrincipalJson.ReadString(root, "aud") != _options.Audience)
            {
                reason = "the access token was issued for another issuer or audience";
                return false;
            }

            var expires = PrincipalJson.ReadInt64(root, "exp");
            var notBefore = PrincipalJson.ReadInt64(root, "nbf");
            var issuedAt = PrincipalJson.ReadInt64(root, "iat");
            if (expires is null || notBefore is null || issuedAt is null)
            {
                reason = "the access token lacks exp, nbf or iat";
                return false;
            }

            if (expires <= now - skew)
            {
                reason = "the access token has expired; refresh it";
                return false;
            }

            if (notBefore > now + skew || issuedAt > now + skew)
            {
                reason = "the access token is not valid yet";
                return false;
            }

            if (PrincipalJson.ReadString(root, "sub") is not { Length: > 0 } subject
                || !PrincipalJson.TryParseKind(PrincipalJson.ReadString(root, "kind"), out var kind) || kind != PrincipalKind.Person
                || !PrincipalJson.TryReadStrings(root, "roles", out var roles)
                || !PrincipalJson.TryReadStrings(root, "perms", out var permissions))
            {
                reason = "the access token's claims are malformed";
                return false;
            }

            principal = new SentinelPrincipal(subject, kind, roles, permissions.ToHashSet(StringComparer.Ordinal));
            reason = string.Empty;
            return true;
        }
        catch (Exception exception) when (exception is JsonException or FormatException)
        {
            reason = "the access token's claims are malformed";
            return false;
        }
    }

    private static bool IsExpectedHeader(string encoded)
    {
        try
        {
            using var document = JsonDocument.Parse(Base64Url.DecodeFromChars(encoded));
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || PrincipalJson.ReadString(root, "alg") != "HS256")
            {
                return false;
            }

            foreach (var property in root.EnumerateObject())
            {
                if (property.Name is not ("alg" or "typ"))
                {
                    return false;
                }
            }

            return PrincipalJson.ReadString(root, "typ") is null or "JWT";
        }
        catch (Exception exception) when (exception is JsonException or FormatException)
        {
            return false;
        }
    }
}
