using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace SentinelSync.Security.Internal;

/// <summary>
/// The keys derived from <c>Security:InternalSigningKey</c> with HKDF-SHA256, one per purpose, so the
/// principal-signing key and the token-signing key never coincide.
/// </summary>
internal sealed class SecurityKeys
{
    public SecurityKeys(IOptions<SecurityOptions> options)
        : this(Decode(options.Value.InternalSigningKey))
    {
    }

    public SecurityKeys(byte[] masterKey)
    {
        PrincipalKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, masterKey, 32, info: Encoding.ASCII.GetBytes("sentinel.principal.v1"));
        TokenKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, masterKey, 32, info: Encoding.ASCII.GetBytes("sentinel.jwt.v1"));
    }

    public byte[] PrincipalKey { get; }

    public byte[] TokenKey { get; }

    private static byte[] Decode(string value) =>
        SecurityOptionsValidator.TryDecodeKey(value, out var key)
            ? key
            : throw new OptionsValidationException(SecurityOptions.Section, typeof(SecurityOptions), ["Security:InternalSigningKey must be base64 of exactly 32 bytes."]);
}
