using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using SentinelSync.Security.Internal;

namespace SentinelSync.Security.Tests;

public sealed class AccessTokenCodecTests
{
    [Fact]
    public void TryValidate_IssuedToken_ReturnsPersonWithPermissions()
    {
        var codec = new AccessTokenCodec(TestSecurity.Options(), new ManualClock());
        var token = codec.Issue(TestSecurity.Person("alice", BuiltInRoles.Operator), out _);

        Assert.True(codec.TryValidate(token, out var principal, out var reason), reason);
        Assert.Equal("alice", principal.Name);
        Assert.Equal(PrincipalKind.Person, principal.Kind);
        Assert.Contains("asset.agents.write", principal.Permissions);
    }

    [Fact]
    public void TryValidate_AlgNone_Refused()
    {
        var codec = new AccessTokenCodec(TestSecurity.Options(), new ManualClock());
        var parts = codec.Issue(TestSecurity.Person("alice", BuiltInRoles.Viewer), out _).Split('.');
        var none = Base64Url.EncodeToString("""{"alg":"none","typ":"JWT"}"""u8);

        Assert.False(codec.TryValidate(none + "." + parts[1] + ".", out _, out _));
        Assert.False(codec.TryValidate(none + "." + parts[1] + "." + parts[2], out _, out var reason));
        Assert.Contains("HS256", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TryValidate_HeaderWithKid_Refused()
    {
        var codec = new AccessTokenCodec(TestSecurity.Options(), new ManualClock());
        var parts = codec.Issue(TestSecurity.Person("alice", BuiltInRoles.Viewer), out _).Split('.');
        var header = Base64Url.EncodeToString("""{"alg":"HS256","typ":"JWT","kid":"../../etc/passwd"}"""u8);

        Assert.False(codec.TryValidate(header + "." + parts[1] + "." + parts[2], out _, out _));
    }

    [Fact]
    public void TryValidate_WrongKey_Refused()
    {
        var clock = new ManualClock();
        var other = new AccessTokenCodec(TestSecurity.Options(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))), clock);
        var token = other.Issue(TestSecurity.Person("mallory", BuiltInRoles.Admin), out _);

        Assert.False(new AccessTokenCodec(TestSecurity.Options(), clock).TryValidate(token, out _, out var reason));
        Assert.Contains("signature", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TryValidate_PayloadTampered_Refused()
    {
        var codec = new AccessTokenCodec(TestSecurity.Options(), new ManualClock());
        var parts = codec.Issue(TestSecurity.Person("alice", BuiltInRoles.Viewer), out _).Split('.');
        var json = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(parts[1])).Replace("\"alice\"", "\"admin\"", StringComparison.Ordinal);

        Assert.False(codec.TryValidate(parts[0] + "." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json)) + "." + parts[2], out _, out _));
    }

    [Fact]
    public void TryValidate_Expired_Refused()
    {
        var clock = new ManualClock();
        var codec = new AccessTokenCodec(TestSecurity.Options(), clock);
        var token = codec.Issue(TestSecurity.Person("alice", BuiltInRoles.Viewer), out var expiresAt);

        clock.Advance(expiresAt - clock.GetUtcNow() + TimeSpan.FromSeconds(31));

        Assert.False(codec.TryValidate(token, out _, out var reason));
        Assert.Contains("expired", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TryValidate_IssuedInFuture_Refused()
    {
        var clock = new ManualClock();
        var codec = new AccessTokenCodec(TestSecurity.Options(), clock);
        var token = codec.Issue(TestSecurity.Person("alice", BuiltInRoles.Viewer), out _);

        clock.Advance(TimeSpan.FromMinutes(-5));

        Assert.False(codec.TryValidate(token, out _, out var reason));
        Assert.Contains("not valid yet", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TryValidate_OtherAudience_Refused()
    {
        var clock = new ManualClock();
        var options = TestSecurity.Options();
        var issuer = new AccessTokenCodec(Microsoft.Extensions.Options.Options.Create(new SecurityOptions { InternalSigningKey = TestSecurity.SigningKey, Audience = "elsewhere" }), clock);
        var token = issuer.Issue(TestSecurity.Person("alice", BuiltInRoles.Viewer), out _);

        Assert.False(new AccessTokenCodec(options, clock).TryValidate(token, out _, out var reason));
        Assert.Contains("audience", reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a.b")]
    [InlineData("a.b.c.d")]
    [InlineData("!!.??.**")]
    [InlineData("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.e30.!!!!")]
    public void TryValidate_Garbage_Refused(string token)
    {
        Assert.False(new AccessTokenCodec(TestSecurity.Options(), new ManualClock()).TryValidate(token, out _, out _));
    }
}
