using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace SentinelSync.Security.Internal;

/// <summary>
/// API keys look like <c>sk_&lt;id&gt;_&lt;secret&gt;</c>: the id (16 hex characters) finds the row, the secret
/// (32 random bytes, base64url) is stored only as its SHA-256 (it has full entropy, so a slow hash adds nothing).
/// </summary>
internal static class ApiKeySecret
{
    public const string Prefix = "sk_";
    private const int IdLength = 16;

    public static (string Id, string Key, byte[] SecretHash) Create()
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(IdLength / 2));
        var secret = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        return (id, Prefix + id + "_" + secret, HashSecret(secret));
    }

    public static bool TryParse(string key, out string id, out string secret)
    {
        id = string.Empty;
        secret = string.Empty;
        if (!key.StartsWith(Prefix, StringComparison.Ordinal) || key.Length < Prefix.Length + IdLength + 2 || key.Length > 256
            || key[Prefix.Length + IdLength] != '_')
        {
            return false;
        }

        id = key.Substring(Prefix.Length, IdLength);
        secret = key[(Prefix.Length + IdLength + 1)..];
        return id.All(char.IsAsciiHexDigitLower);
    }

    public static byte[] HashSecret(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));
}
