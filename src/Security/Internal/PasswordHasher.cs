using System.Buffers.Binary;
using System.Security.Cryptography;

namespace SentinelSync.Security.Internal;

/// <summary>
/// PBKDF2 password hashes in the format of ASP.NET Core Identity's <c>PasswordHasher</c> V3 (marker 0x01,
/// PRF HMACSHA512, 100,000 iterations, 128-bit salt, 256-bit subkey), so hashes move to Identity unchanged.
/// </summary>
/// <remarks>
/// Implemented here with <see cref="Rfc2898DeriveBytes.Pbkdf2(ReadOnlySpan{char}, ReadOnlySpan{byte}, int, HashAlgorithmName, int)"/>
/// because the feed lacks Microsoft.AspNetCore.Cryptography.KeyDerivation, which Microsoft.Extensions.Identity.Core
/// needs. Layout: 0x01 | prf (uint32 BE, 2 = HMACSHA512) | iterations (uint32 BE) | salt length (uint32 BE) | salt | subkey.
/// </remarks>
internal static class PasswordHasher
{
    private const byte FormatMarker = 0x01;
    private const uint PrfHmacSha512 = 2;
    private const int Iterations = 100_000;
    private const int SaltSize = 16;
    private const int SubkeySize = 32;
    private const int MaxIterations = 10_000_000;

    /// <summary>A hash to verify against when the user does not exist, so the work is the same either way.</summary>
    public static string DecoyHash { get; } = Hash("decoy-password-for-unknown-users");

    public static string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltSize);
        var subkey = Rfc2898DeriveBytes.Pbkdf2(password, salt, Iterations, HashAlgorithmName.SHA512, SubkeySize);
        var output = new byte[13 + SaltSize + SubkeySize];
        output[0] = FormatMarker;
        BinaryPrimitives.WriteUInt32BigEndian(output.AsSpan(1), PrfHmacSha512);
        BinaryPrimitives.WriteUInt32BigEndian(output.AsSpan(5), Iterations);
        BinaryPrimitives.WriteUInt32BigEndian(output.AsSpan(9), SaltSize);
        salt.CopyTo(output, 13);
        subkey.CopyTo(output, 13 + SaltSize);
        return Convert.ToBase64String(output);
    }

    public static bool Verify(string hash, string password)
    {
        byte[] decoded;
        try
        {
            decoded = Convert.FromBase64String(hash);
        }
        catch (FormatException)
        {
            return false;
        }

        if (decoded.Length < 13 || decoded[0] != FormatMarker)
        {
            return false;
        }

        var prf = BinaryPrimitives.ReadUInt32BigEndian(decoded.AsSpan(1));
        var iterations = BinaryPrimitives.ReadUInt32BigEndian(decoded.AsSpan(5));
        var saltLength = BinaryPrimitives.ReadUInt32BigEndian(decoded.AsSpan(9));
        HashAlgorithmName? algorithm = prf switch
        {
            0 => HashAlgorithmName.SHA1,
            1 => HashAlgorithmName.SHA256,
            2 => HashAlgorithmName.SHA512,
            _ => null,
        };
        if (algorithm is null || iterations is 0 or > MaxIterations || saltLength < 16 || 13 + saltLength + 16 > decoded.Length)
        {
            return false;
        }

        var salt = decoded.AsSpan(13, (int)saltLength);
        var expected = decoded.AsSpan(13 + (int)saltLength);
        var actual = Rfc2898DeriveBytes.Pbkdf2(password, salt, (int)iterations, algorithm.Value, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }
}
