using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using SentinelSync.Security.Internal;

namespace SentinelSync.Security.Tests;

public sealed class ClientAddressResolverTests
{
    [Theory]
    [InlineData("203.0.113.9", null, "203.0.113.9")]
    [InlineData("203.0.113.9", "198.51.100.1", "203.0.113.9")]
    [InlineData("127.0.0.1", null, "127.0.0.1")]
    [InlineData("127.0.0.1", "198.51.100.1", "198.51.100.1")]
    [InlineData("127.0.0.1", "192.0.2.66, 198.51.100.1", "198.51.100.1")]
    [InlineData("127.0.0.1", "192.0.2.66, 198.51.100.1, 10.1.2.3", "198.51.100.1")]
    [InlineData("10.9.9.9", "198.51.100.1, 10.1.2.3", "198.51.100.1")]
    [InlineData("127.0.0.1", "10.1.2.3, 10.1.2.4", "10.1.2.3")]
    [InlineData("127.0.0.1", "not-an-address, 10.1.2.3", "10.1.2.3")]
    [InlineData("127.0.0.1", "[2001:db8::7]:443", "2001:db8::7")]
    [InlineData("::ffff:127.0.0.1", "198.51.100.1:5000", "198.51.100.1")]
    public void Resolve_PeerAndForwardedFor_ClientPastTrustedProxies(string peer, string? forwardedFor, string expected)
    {
        var resolver = new ClientAddressResolver(Options.Create(new SecurityOptions { TrustedProxies = "127.0.0.1, ::1, 10.0.0.0/8" }));
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(peer);
        if (forwardedFor is not null)
        {
            context.Request.Headers[ClientAddressResolver.ForwardedForHeader] = forwardedFor;
        }

        Assert.Equal(expected, resolver.Resolve(context));
    }

    [Fact]
    public void Resolve_SeveralHeaderLines_ReadFromTheLastLine()
    {
        var resolver = new ClientAddressResolver(Options.Create(new SecurityOptions()));
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Loopback;
        context.Request.Headers[ClientAddressResolver.ForwardedForHeader] = new(["192.0.2.66", "198.51.100.1, 127.0.0.1"]);

        Assert.Equal("198.51.100.1", resolver.Resolve(context));
    }

    [Fact]
    public void Validate_TrustedProxiesNotAnAddress_FailureNamesSetting()
    {
        var result = new SecurityOptionsValidator().Validate(null, new SecurityOptions { InternalSigningKey = TestSecurity.SigningKey, TrustedProxies = "10.0.0.0/8, proxy.example" });

        Assert.True(result.Failed);
        Assert.Contains("Security:TrustedProxies", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("proxy.example", result.FailureMessage, StringComparison.Ordinal);
    }
}
