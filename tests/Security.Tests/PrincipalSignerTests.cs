using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace SentinelSync.Security.Tests;

public sealed class PrincipalSignerTests
{
    private const string Method = "/sentinel.securitytest.v1.FortressService/ReadThing";

    [Fact]
    public void TryVerify_SignedForSameMethod_ReturnsPrincipal()
    {
        var signer = new PrincipalSigner(TestSecurity.Options(), new ManualClock());
        var principal = TestSecurity.Person("alice", BuiltInRoles.Operator);

        var (value, signature) = signer.Sign(principal, Method);

        Assert.True(signer.TryVerify(value, signature, Method, out var verified, out var reason), reason);
        Assert.Equal("alice", verified.Name);
        Assert.Equal(PrincipalKind.Person, verified.Kind);
        Assert.Equal(principal.Permissions.Order(), verified.Permissions.Order());
    }

    [Fact]
    public void TryVerify_OtherMethod_Refused()
    {
        var signer = new PrincipalSigner(TestSecurity.Options(), new ManualClock());
        var (value, signature) = signer.Sign(TestSecurity.Person("alice", BuiltInRoles.Admin), Method);

        Assert.False(signer.TryVerify(value, signature, "/sentinel.securitytest.v1.FortressService/WriteThing", out _, out var reason));
        Assert.Contains("another method", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TryVerify_AfterLifetime_Refused()
    {
        var clock = new ManualClock();
        var signer = new PrincipalSigner(TestSecurity.Options(), clock);
        var (value, signature) = signer.Sign(TestSecurity.Person("alice", BuiltInRoles.Admin), Method);

        clock.Advance(TimeSpan.FromSeconds(60 + 30 + 1));

        Assert.False(signer.TryVerify(value, signature, Method, out _, out var reason));
        Assert.Contains("expired", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TryVerify_OtherKey_Refused()
    {
        var clock = new ManualClock();
        var other = new PrincipalSigner(TestSecurity.Options(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))), clock);
        var (value, signature) = other.Sign(TestSecurity.Person("mallory", BuiltInRoles.Admin), Method);

        Assert.False(new PrincipalSigner(TestSecurity.Options(), clock).TryVerify(value, signature, Method, out _, out _));
    }

    [Fact]
    public void TryVerify_PayloadEdited_Refused()
    {
        var signer = new PrincipalSigner(TestSecurity.Options(), new ManualClock());
        var (value, signature) = signer.Sign(TestSecurity.Person("alice", BuiltInRoles.Viewer), Method);
        var json = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(value)).Replace("\"viewer\"", "\"admin\"", StringComparison.Ordinal);
        var edited = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));

        Assert.False(signer.TryVerify(edited, signature, Method, out _, out var reason));
        Assert.Contains("signature", reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "x")]
    [InlineData("x", null)]
    [InlineData("e30", "AAAA")]
    [InlineData("e30", "!!!!")]
    [InlineData("e30", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void TryVerify_MissingOrMalformed_Refused(string? value, string? signature)
    {
        var signer = new PrincipalSigner(TestSecurity.Options(), new ManualClock());

        Assert.False(signer.TryVerify(value, signature, Method, out _, out _));
    }
}
