using System.Buffers.Binary;
using SentinelSync.Security.Internal;

namespace SentinelSync.Security.Tests;

public sealed class PasswordHasherTests
{
    [Fact]
    public void Hash_Format_IsIdentityV3()
    {
        var bytes = Convert.FromBase64String(PasswordHasher.Hash("correct horse battery"));

        Assert.Equal(0x01, bytes[0]);
        Assert.Equal(2u, BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(1)));
        Assert.Equal(100_000u, BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(5)));
        Assert.Equal(16u, BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(9)));
        Assert.Equal(13 + 16 + 32, bytes.Length);
    }

    [Fact]
    public void Verify_RightAndWrongPassword_TrueThenFalse()
    {
        var hash = PasswordHasher.Hash("correct horse battery");

        Assert.True(PasswordHasher.Verify(hash, "correct horse battery"));
        Assert.False(PasswordHasher.Verify(hash, "correct horse battery!"));
        Assert.False(PasswordHasher.Verify("not base64 at all", "x"));
    }

    [Fact]
    public void Verify_HandBuiltV3Layout_True()
    {
        // A blob laid out by hand per Identity's V3 format with a fixed salt: the verifier must read that layout,
        // not only its own output.
        var salt = Enumerable.Range(0, 16).Select(i => (byte)i).ToArray();
        var subkey = System.Security.Cryptography.Rfc2898DeriveBytes.Pbkdf2("P@ssw0rd", salt, 100_000, System.Security.Cryptography.HashAlgorithmName.SHA512, 32);
        var blob = new byte[13 + 16 + 32];
        blob[0] = 1;
        BinaryPrimitives.WriteUInt32BigEndian(blob.AsSpan(1), 2);
        BinaryPrimitives.WriteUInt32BigEndian(blob.AsSpan(5), 100_000);
        BinaryPrimitives.WriteUInt32BigEndian(blob.AsSpan(9), 16);
        salt.CopyTo(blob, 13);
        subkey.CopyTo(blob, 29);

        Assert.True(PasswordHasher.Verify(Convert.ToBase64String(blob), "P@ssw0rd"));
    }
}
