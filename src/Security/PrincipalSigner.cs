using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Grpc.Core;
using Microsoft.Extensions.Options;
using SentinelSync.Security.Internal;

namespace SentinelSync.Security;

/// <summary>
/// Signs the principal the gateway forwards to a service (<c>x-sentinel-principal</c> +
/// <c>x-sentinel-principal-sig</c>, HMAC-SHA256 with a key derived from <c>Security:InternalSigningKey</c>) and
/// verifies it in the service. The signed payload names the method and an expiry, so a captured pair can be
/// replayed neither for another method nor later than <see cref="SecurityOptions.PrincipalLifetime"/>.
/// </summary>
/// <remarks>Thread-safe.</remarks>
public sealed class PrincipalSigner
{
    /// <summary>The metadata key of the serialized principal.</summary>
    public const string PrincipalHeader = "x-sentinel-principal";

    /// <summary>The metadata key of its signature.</summary>
    public const string SignatureHeader = "x-sentinel-principal-sig";

    private const int MaxEncodedLength = 16 * 1024;

    private readonly byte[] _key;
    private readonly TimeProvider _time;
    private readonly SecurityOptions _options;

    /// <summary>A signer with the key from <paramref name="options"/>.</summary>
    public PrincipalSigner(IOptions<SecurityOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _key = new SecurityKeys(options).PrincipalKey;
        _time = time;
    }

    /// <summary>Signs <paramref name="principal"/> for one call of <paramref name="method"/> (<c>/package.Service/Method</c>).</summary>
    /// <returns>The two header values.</returns>
    public (string Principal, string Signature) Sign(SentinelPrincipal principal, string method)
    {
        ArgumentNullException.ThrowIfNull(principal);
        ArgumentException.ThrowIfNullOrEmpty(method);
        var expires = _time.GetUtcNow().Add(_options.PrincipalLifetime).ToUnixTimeSeconds();
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("v", 1);
            writer.WriteString("n", principal.Name);
            writer.WriteString("k", PrincipalJson.KindName(principal.Kind));
            PrincipalJson.WriteStrings(writer, "r", principal.Roles);
            PrincipalJson.WriteStrings(writer, "p", principal.Permissions);
            writer.WriteString("m", method);
            writer.WriteNumber("exp", expires);
            writer.WriteEndObject();
        }

        var encoded = Base64Url.EncodeToString(buffer.ToArray());
        return (encoded, Base64Url.EncodeToString(HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(encoded))));
    }

    /// <summary>Adds the signed principal for <paramref name="method"/> to outgoing call headers.</summary>
    public void AddTo(Metadata headers, SentinelPrincipal principal, string method)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var (value, signature) = Sign(principal, method);
        headers.Add(PrincipalHeader, value);
        headers.Add(SignatureHeader, signature);
    }

    /// <summary>Verifies a signed principal presented for a call of <paramref name="method"/>.</summary>
    /// <param name="value">The <c>x-sentinel-principal</c> value.</param>
    /// <param name="signature">The <c>x-sentinel-principal-sig</c> value.</param>
    /// <param name="method">The method actually called.</param>
    /// <param name="principal">The principal when valid.</param>
    /// <param name="reason">Why it was refused.</param>
    public bool TryVerify(string? value, string? signature, string method, out SentinelPrincipal principal, out string reason)
    {
        principal = null!;
        if (string.IsNullOrEmpty(value) || string.IsNullOrEmpty(signature) || value.Length > MaxEncodedLength)
        {
            reason = "the signed principal is missing or too large";
            return false;
        }

        // 1. The signature first, in fixed time, before the payload is parsed at all.
        Span<byte> presented = stackalloc byte[48];
        if (signature.Length > 64 || !Base64Url.IsValid(signature.AsSpan()) || !Base64Url.TryDecodeFromChars(signature, presented, out var written) || written != 32)
        {
            reason = "the principal signature is malformed";
            return false;
        }

        var expected = HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(value));
        if (!CryptographicOperations.FixedTimeEquals(expected, presented[..32]))
        {
            reason = "the principal signature does not match";
            return false;
        }

        // 2. Then what it says: this method, not expired, not valid for longer than a signer would issue.
        try
        {
            using var document = JsonDocument.Parse(Base64Url.DecodeFromChars(value));
            var root = document.RootElement;
            var now = _time.GetUtcNow().ToUnixTimeSeconds();
            var expires = PrincipalJson.ReadInt64(root, "exp");
            var skew = (long)_options.ClockSkew.TotalSeconds;
            if (PrincipalJson.ReadInt64(root, "v") != 1
                || PrincipalJson.ReadString(root, "n") is not { Length: > 0 } name
                || !PrincipalJson.TryParseKind(PrincipalJson.ReadString(root, "k"), out var kind)
                || !PrincipalJson.TryReadStrings(root, "r", out var roles)
                || !PrincipalJson.TryReadStrings(root, "p", out var permissions)
                || expires is null)
            {
                reason = "the signed principal is malformed";
                return false;
            }

            if (!string.Equals(PrincipalJson.ReadString(root, "m"), method, StringComparison.Ordinal))
            {
                reason = "the signed principal was issued for another method";
                return false;
            }

            if (expires <= now - skew || expires > now + (long)_options.PrincipalLifetime.TotalSeconds + skew)
            {
                reason = "the signed principal has expired";
                return false;
            }

            principal = new SentinelPrincipal(name, kind, roles, permissions.ToHashSet(StringComparer.Ordinal));
            reason = string.Empty;
            return true;
        }
        catch (Exception exception) when (exception is JsonException or FormatException)
        {
            reason = "the signed principal is malformed";
            return false;
        }
    }
}
