using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SentinelSync.AgentGateway.Internal;
using SentinelSync.Contracts.Agent.V1;

namespace SentinelSync.AgentGateway.Tests;

public sealed class AgentDrainTests
{
    [Theory]
    [InlineData(10_000, 250, 120, 40)]
    [InlineData(2_500, 250, 120, 10)]
    [InlineData(0, 250, 120, 0)]
    [InlineData(100_000, 250, 120, 120)]
    public void Window_AgentsOverRate_CappedAtTheMaximum(int agents, int rate, int maxSeconds, double expectedSeconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), AgentDrain.Window(agents, rate, TimeSpan.FromSeconds(maxSeconds)));
    }

    [Fact]
    public async Task Drain_ConnectedAgents_EachGetsGoAwayWithTheWindowThenUnavailable()
    {
        await using var host = await GatewayHost.StartAsync(new Dictionary<string, string?> { ["AgentGateway:ReconnectRate"] = "2" });
        var (first, _) = await TestAgent.ConnectAsync(host, await TestAgent.EnrollAsync(host));
        var (second, _) = await TestAgent.ConnectAsync(host, await TestAgent.EnrollAsync(host));
        await using (first)
        await using (second)
        {
            await host.WaitUntilAsync(() => host.Sessions.Count == 2, "both sessions registered");

            var ends = new[] { first, second }.Select(agent => agent.ReadAllUntilErrorAsync()).ToArray();

            host.Services.GetServices<IHostedService>().OfType<AgentDrain>().Single().Drain();

            foreach (var (messages, end) in await Task.WhenAll(ends).WaitAsync(GatewayHost.Timeout))
            {
                var goAway = Assert.Single(messages, message => message.BodyCase == ConnectResponse.BodyOneofCase.GoAway);
                Assert.Equal(ConnectResponse.BodyOneofCase.GoAway, messages[^1].BodyCase);
                Assert.Equal(TimeSpan.FromSeconds(1), goAway.GoAway.ReconnectWindow.ToTimeSpan());
                // The gateway ends with UNAVAILABLE; the client may report its own CANCELLED instead when the
                // server's end of the stream overtakes the open request body (the RPC client's race, not the gateway's).
                Assert.True(end.StatusCode is StatusCode.Unavailable or StatusCode.Cancelled, end.Status.ToString());
            }
        }
    }

    [Theory]
    [InlineData("AgentGateway:ReconnectRate", "0")]
    [InlineData("AgentGateway:MaxReconnectWindow", "-00:00:01")]
    public void Validate_BadReconnectSetting_FailureNamesIt(string setting, string value)
    {
        var options = new AgentGatewayOptions { AssetAddress = "http://127.0.0.1:7403" };
        if (setting.EndsWith("ReconnectRate", StringComparison.Ordinal))
        {
            options.ReconnectRate = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
        }
        else
        {
            options.MaxReconnectWindow = TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
        }

        var result = new AgentGatewayOptionsValidator(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build()).Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(setting, result.FailureMessage, StringComparison.Ordinal);
    }
}
