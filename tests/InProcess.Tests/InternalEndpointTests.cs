using Microsoft.Extensions.Configuration;

namespace SentinelSync.InProcess.Tests;

public sealed class InternalEndpointTests
{
    [Theory]
    [InlineData("http://*:7403", "http://127.0.0.1:7403")]
    [InlineData("http://+:7403/", "http://127.0.0.1:7403")]
    [InlineData("http://0.0.0.0:9000", "http://127.0.0.1:9000")]
    [InlineData("http://[::]:9000", "http://127.0.0.1:9000")]
    [InlineData("http://10.1.2.3:9000/", "http://10.1.2.3:9000")]
    public void ClientAddress_WildcardHostBecomesLoopback_NoTrailingSlash(string listen, string expected) =>
        Assert.Equal(expected, InternalEndpoint.ClientAddress(listen));

    [Fact]
    public void Address_ListenInternalOrItsDefault()
    {
        var unset = new ConfigurationBuilder().Build();
        var set = new ConfigurationBuilder().AddInMemoryCollection([new("Listen:Internal", "http://*:7500")]).Build();

        Assert.Equal("http://127.0.0.1:7403", InternalEndpoint.Address(unset));
        Assert.Equal("http://127.0.0.1:7500", InternalEndpoint.Address(set));
    }
}
