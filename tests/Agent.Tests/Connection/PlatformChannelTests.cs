using SentinelSync.Agent.Connection;

namespace SentinelSync.Agent.Tests.Connection;

public sealed class PlatformChannelTests
{
    /// <summary>The agent endpoint's TLS handshake timeout (services/AgentGateway, AgentEndpointConfigurator).</summary>
    private static readonly TimeSpan ServerHandshakeTimeout = TimeSpan.FromSeconds(20);

    [Fact]
    public void ConnectTimeout_LongerThanTheAgentEndpointsHandshakeTimeout()
    {
        // An agent that gives up first abandons a handshake the server is still working on, and retries it.
        Assert.True(PlatformChannel.ConnectTimeout > ServerHandshakeTimeout, $"connect timeout {PlatformChannel.ConnectTimeout}");
    }
}
