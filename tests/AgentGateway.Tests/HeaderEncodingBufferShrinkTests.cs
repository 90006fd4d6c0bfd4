using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using SentinelSync.AgentGateway.Internal;
using SentinelSync.Contracts.Agent.V1;

namespace SentinelSync.AgentGateway.Tests;

public sealed class HeaderEncodingBufferShrinkTests
{
    /// <summary>Kestrel's buffer before the swap: the protocol's minimum maximum frame size.</summary>
    private const int KestrelBufferBytes = 16_384;

    [Fact]
    public async Task TryShrink_KestrelHttp2Stream_BufferSmallAndHeadersOfEverySizeStillArriveWhole()
    {
        var sizes = new ConcurrentQueue<(int? Before, bool Shrunk, int? After)>();
        // Headers and trailers larger than the small buffer (CONTINUATION frames), and one larger than Kestrel's own
        // buffer (encoded into a rented array): the paths Kestrel takes when a block does not fit.
        var many = Enumerable.Range(0, 40).ToDictionary(i => $"x-many-{i}", i => new string((char)('a' + (i % 26)), 300));
        var huge = new string('h', 20_000);
        await using var app = await StartKestrelAsync(async context =>
        {
            var before = HeaderEncodingBufferShrink.BufferSize(context);
            var shrunk = HeaderEncodingBufferShrink.TryShrink(context);
            sizes.Enqueue((before, shrunk, HeaderEncodingBufferShrink.BufferSize(context)));
            foreach (var (name, value) in many)
            {
                context.Response.Headers[name] = value;
            }

            context.Response.Headers["x-huge"] = huge;
            context.Response.DeclareTrailer("x-trailer-huge");
            await context.Response.WriteAsync("body");
            context.Response.AppendTrailer("x-trailer-huge", huge);
            context.Response.AppendTrailer("x-trailer-small", "done");
        });
        using var client = new HttpClient(new SocketsHttpHandler()) { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };

        // Twice on one connection: the second stream finds the small buffer in place.
        for (var round = 0; round < 2; round++)
        {
            using var response = await client.GetAsync(new Uri($"http://127.0.0.1:{app.Port}/"), HttpCompletionOption.ResponseHeadersRead).WaitAsync(GatewayHost.Timeout);
            Assert.Equal("body", await response.Content.ReadAsStringAsync().WaitAsync(GatewayHost.Timeout));
            foreach (var (name, value) in many)
            {
                Assert.Equal(value, Assert.Single(response.Headers.GetValues(name)));
            }

            Assert.Equal(huge, Assert.Single(response.Headers.GetValues("x-huge")));
            Assert.Equal(huge, Assert.Single(response.TrailingHeaders.GetValues("x-trailer-huge")));
            Assert.Equal("done", Assert.Single(response.TrailingHeaders.GetValues("x-trailer-small")));
        }

        Assert.Equal(
            [(KestrelBufferBytes, true, HeaderEncodingBufferShrink.SmallBufferBytes), (HeaderEncodingBufferShrink.SmallBufferBytes, true, HeaderEncodingBufferShrink.SmallBufferBytes)],
            sizes.ToArray());
    }

    [Fact]
    public void TryShrink_NotAKestrelStream_FalseAndNothingThrown()
    {
        var context = new DefaultHttpContext();

        Assert.True(HeaderEncodingBufferShrink.IsAvailable, "this test runs on the Kestrel the class was written against");
        Assert.False(HeaderEncodingBufferShrink.TryShrink(context));
        Assert.Null(HeaderEncodingBufferShrink.BufferSize(context));
    }

    [Theory]
    [InlineData(null, HeaderEncodingBufferShrink.SmallBufferBytes)]
    [InlineData("false", KestrelBufferBytes)]
    public async Task AgentEndpoint_ShrinkHeaderBuffersSetting_DecidesTheBufferOfConnectStreams(string? setting, int expected)
    {
        var observed = new ConcurrentQueue<(bool AgentEndpoint, string Path, int? Size)>();
        var settings = new Dictionary<string, string?>();
        if (setting is not null)
        {
            settings["AgentGateway:ShrinkHeaderBuffers"] = setting;
        }

        await using var host = await GatewayHost.StartAsync(settings, afterAgentGateway: next => context =>
        {
            observed.Enqueue((AgentEndpointMarker.IsAgentEndpoint(context), context.Request.Path.Value!, HeaderEncodingBufferShrink.BufferSize(context)));
            return next(context);
        });
        var identity = await TestAgent.EnrollAsync(host);
        using (var channel = TestAgent.CreateChannel(host.AgentAddress, host.Asset.Ca.Certificate, clientCertificate: null))
        {
            await new AgentGatewayService.AgentGatewayServiceClient(channel).GetTrustBundleAsync(new GetTrustBundleRequest(), deadline: DateTime.UtcNow + GatewayHost.Timeout);
        }

        var (agent, welcome) = await TestAgent.ConnectAsync(host, identity);
        await using (agent)
        {
            Assert.NotNull(welcome);
            await agent.SendAsync(new ConnectRequest { Heartbeat = new Heartbeat() });
        }

        Assert.Contains((true, AgentEndpointMiddleware.ConnectPath, (int?)expected), observed);
        // Only Connect streams: a short call on the agent endpoint keeps Kestrel's buffer.
        Assert.Contains((true, AgentEndpointMiddleware.TrustBundlePath, (int?)KestrelBufferBytes), observed);
    }

    private static async Task<KestrelApp> StartKestrelAsync(RequestDelegate handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        var app = builder.Build();
        app.Run(handler);
        await app.StartAsync().WaitAsync(GatewayHost.Timeout);
        return new KestrelApp(app, new Uri(app.Urls.First()).Port);
    }

    private sealed record KestrelApp(WebApplication App, int Port) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => App.DisposeAsync();
    }
}
