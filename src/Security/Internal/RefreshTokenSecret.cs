using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace SentinelSync.Security.Internal;

/// <summary>Opaque refresh tokens (<c>rt_</c> + 32 random bytes, base64url), stored and looked up by SHA-256.</summary>
internal static class RefreshTokenSecret
{
    public static (string Token, byte[] Hash) Create()
    {
        var token = "rt_" + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        return (token, Hash(token));
    }

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}
