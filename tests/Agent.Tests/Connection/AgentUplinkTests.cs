using Google.Protobuf.WellKnownTypes;
using SentinelSync.Agent.Configuration;
using SentinelSync.Agent.Runtime;
using SentinelSync.Agent.Tests.Gateway;
using SentinelSync.Contracts.Agent.V1;
using Microsoft.Extensions.Logging.Abstractions;

namespace SentinelSync.Agent.Tests.Connection;

/// <summary>The stream client against a real HTTP/2 gRPC peer (<see cref="FakeGateway"/>).</summary>
public sealed class AgentUplinkTests
{
    private static readonly TimeSpan Timeout = UplinkHarness.Timeout;

    [Fact]
    public async Task RunAsync_Connected_SendsHelloFirstWithTheSpoolsLastSequenceAndConfigVersion()
    {
        await using var gateway = await FakeGateway.StartAsync();
        await using var agent = new UplinkHarness(gateway.Address);
        agent.SpoolMetrics(1, 2, 3);

        agent.Start();
        var stream = await gateway.AcceptAsync(Timeout);
        var hello = await stream.ReceiveAsync(Timeout);

        Assert.Equal(ConnectRequest.BodyOneofCase.Hello, hello.BodyCase);
        Assert.Equal(0UL, hello.Sequence);
        Assert.Equal(3UL, hello.Hello.LastSequence);
        Assert.Equal(0L, hello.Hello.AppliedConfigVersion);
        Assert.Equal("test-host", hello.Hello.Hostname);
        Assert.Equal(AgentVersion.Current, hello.Hello.AgentVersion);
    }

    [Fact]
    public async Task RunAsync_BeforeWelcome_SendsNothingButHello()
    {
        await using var gateway = await FakeGateway.StartAsync();
        await using var agent = new UplinkHarness(gateway.Address);
        agent.SpoolMetrics(1, 2);

        agent.Start();
        var stream = await gateway.AcceptAsync(Timeout);
        await stream.ReceiveAsync(Timeout);

        await Assert.ThrowsAsync<TimeoutException>(() => stream.ReceiveAsync(TimeSpan.FromMilliseconds(500)));
    }

    [Fact]
    public async Task Welcome_CommittedSequence_AcknowledgesUpToItAndReplaysTheRestInOrder()
    {
        await using var gateway = await FakeGateway.StartAsync();
        await using var agent = new UplinkHarness(gateway.Address, "spool:\n  segment_size: 1KiB");
        for (var i = 1; i <= 30; i++)
        {
            // ~200 bytes each: a 1 KiB segment holds a handful, so acknowledging 12 deletes whole segments.
            var message = UplinkHarness.Metrics(i);
            message.Metrics.Samples[0].Labels["padding"] = new string('x', 160);
            agent.Spool.Append(message);
        }

        agent.Start();
        var stream = await gateway.AcceptAsync(Timeout);
        await stream.ReceiveAsync(Timeout);
        await stream.WelcomeAsync(committed: 12);

        var replayed = new List<ulong>();
        for (var i = 13; i <= 30; i++)
        {
            replayed.Add((await stream.ReceiveDataAsync(Timeout)).Sequence);
        }

        Assert.Equal(Enumerable.Range(13, 18).Select(i => (ulong)i), replayed);
        var kept = agent.Spool.ReadFrom(0).Select(m => m.Sequence).ToList();
        Assert.InRange(kept[0], 8UL, 13UL);
        Assert.Equal(30UL, kept[^1]);
    }

    [Fact]
    public async Task Spool_SentButNotAcknowledged_KeptUntilTheAck()
    {
        await using var gateway = await FakeGateway.StartAsync();
        await using var agent = new UplinkHarness(gateway.Address);
        agent.SpoolMetrics(1, 2, 3);
        agent.Start();
        var stream = await gateway.AcceptAsync(Timeout);
        await stream.ReceiveAsync(Timeout);
        await stream.WelcomeAsync(committed: 0);
        for (var i = 0; i < 3; i++)
        {
            await stream.ReceiveDataAsync(Timeout);
        }

        Assert.Equal([1UL, 2UL, 3UL], agent.Spool.ReadFrom(0).Select(m => m.Sequence));

        await stream.AckAsync(3);
        // The uplink empties the spool first and records the committed sequence after: wait for both.
        await WaitUntilAsync(() => !agent.Spool.ReadFrom(0).Any() && agent.Uplink.CommittedSequence == 3, "Ack(3) to empty the spool and commit sequence 3");
        Assert.Equal(3UL, agent.Uplink.CommittedSequence);
    }

    [Fact]
    public async Task NewReports_AfterReplay_StreamedAsTheyAreSpooled()
    {
        await using var gateway = await FakeGateway.StartAsync();
        await using var agent = new UplinkHarness(gateway.Address);
        agent.Start();
        var stream = await gateway.AcceptAsync(Timeout);
        await stream.ReceiveAsync(Timeout);
        await stream.WelcomeAsync(committed: 0);

        agent.SpoolMetrics(7);
        var first = await stream.ReceiveDataAsync(Timeout);
        agent.SpoolMetrics(8, 9);

        Assert.Equal((1UL, 7.0), (first.Sequence, first.Metrics.Samples[0].Value));
        Assert.Equal(2UL, (await stream.ReceiveDataAsync(Timeout)).Sequence);
        Assert.Equal(3UL, (await stream.ReceiveDataAsync(Timeout)).Sequence);
    }

    [Fact]
    public async Task StreamReset_ReconnectsWithBackoffAndReplaysWhatWasNotAcknowledged()
    {
        await using var gateway = await FakeGateway.StartAsync();
        await using var agent = new UplinkHarness(gateway.Address);
        agent.SpoolMetrics(1, 2, 3, 4);
        agent.Start();
        var first = await gateway.AcceptAsync(Timeout);
        await first.ReceiveAsync(Timeout);
        await first.WelcomeAsync(committed: 0);
        for (var i = 0; i < 4; i++)
        {
            await first.ReceiveDataAsync(Timeout);
        }

        await first.AckAsync(2);
        await WaitUntilAsync(() => agent.Uplink.CommittedSequence == 2, "Ack(2) to be applied");
        first.Abort();

        var second = await gateway.AcceptAsync(Timeout);
        var hello = await second.ReceiveAsync(Timeout);
        await second.WelcomeAsync(committed: 2);

        Assert.Equal(4UL, hello.Hello.LastSequence);
        Assert.Equal(3UL, (await second.ReceiveDataAsync(Timeout)).Sequence);
        Assert.Equal(4UL, (await second.ReceiveDataAsync(Timeout)).Sequence);
        Assert.Equal(2, agent.Uplink.Streams);
    }

    [Fact]
    public async Task StreamEndedByPlatform_Reconnects()
    {
        await using var gateway = await FakeGateway.StartAsync();
        await using var agent = new UplinkHarness(gateway.Address);
        agent.Start();
        var first = await gateway.AcceptAsync(Timeout);
        await first.ReceiveAsync(Timeout);
        await first.WelcomeAsync(committed: 0);

        first.End();

        var second = await gateway.AcceptAsync(Timeout);
        Assert.Equal(ConnectRequest.BodyOneofCase.Hello, (await second.ReceiveAsync(Timeout)).BodyCase);
    }

    [Fact]
    public async Task GoAway_WithWindow_ReconnectWaitsItsShareOfTheWindow()
    {
        await using var gateway = await FakeGateway.StartAsync();
        await using var agent = new UplinkHarness(gateway.Address);
        agent.Start();
        var first = await gateway.AcceptAsync(Timeout);
        await first.ReceiveAsync(Timeout);
        await first.WelcomeAsync(committed: 0);

        await first.SendAsync(new ConnectResponse { GoAway = new GoAway { ReconnectWindow = Duration.FromTimeSpan(TimeSpan.FromSeconds(4)) } });
        var ended = System.Diagnostics.Stopwatch.StartNew();
        first.End();
        var second = await gateway.AcceptAsync(Timeout);

        // The harness draws 0.5: about 2 s into the 4 s window. Without the GoAway, half of the 50 ms initial delay.
        Assert.InRange(ended.Elapsed, TimeSpan.FromSeconds(1.5), Timeout);
        Assert.Equal(ConnectRequest.BodyOneofCase.Hello, (await second.ReceiveAsync(Timeout)).BodyCase);
    }

    [Fact]
    public async Task PlatformUnreachable_KeepsRetryingUntilItIsUp()
    {
        int port;
        await using (var gone = await FakeGateway.StartAsync())
        {
            port = gone.Address.Port;
        }

        // Nothing listens on the port now: the agent retries with backoff; the test only checks it does not give up or spin.
        await using var agent = new UplinkHarness(new Uri($"http://127.0.0.1:{port}"));
        agent.Start();
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(0, agent.Uplink.Streams);
        await agent.StopAsync();
    }

    [Fact]
    public async Task Ping_AnsweredWithPongCarryingTheNonce()
    {
        await using var gateway = await FakeGateway.StartAsync();
        await using var agent = new UplinkHarness(gateway.Address);
        agent.Start();
        var stream = await gateway.AcceptAsync(Timeout);
        await stream.ReceiveAsync(Timeout);
        await stream.WelcomeAsync(committed: 0);

        await stream.SendAsync(new ConnectResponse { Ping = new Ping { Nonce = 424242 } });
        var pong = await stream.ReceiveAsync(Timeout);

        Assert.Equal(ConnectRequest.BodyOneofCase.Pong, pong.BodyCase);
        Assert.Equal(424242UL, pong.Pong.Nonce);
        Assert.Equal(0UL, pong.Sequence);
    }

    [Fact]
    public async Task Heartbeat_SentAtTheWelcomesInterval()
    {
        await using var gateway = await FakeGateway.StartAsync();
        await using var agent = new UplinkHarness(gateway.Address);
        agent.Start();
        var stream = await gateway.AcceptAsync(Timeout);
        await stream.ReceiveAsync(Timeout);
        await stream.WelcomeAsync(committed: 0, heartbeat: TimeSpan.FromSeconds(1));

        var heartbeat = await stream.ReceiveAsync(Timeout);

        Assert.Equal(ConnectRequest.BodyOneofCase.Heartbeat, heartbeat.BodyCase);
        Assert.Equal(0UL, heartbeat.Sequence);
    }

    [Fact]
    public async Task ConfigUpdate_Valid_AppliedPersistedAndReportedApplied()
    {
        await using var gateway = await FakeGateway.StartAsync();
        await using var agent = new UplinkHarness(gateway.Address);
        agent.Start();
        var stream = await gateway.AcceptAsync(Timeout);
        await stream.ReceiveAsync(Timeout);
        await stream.WelcomeAsync(committed: 0);

        await stream.SendAsync(new ConnectResponse
        {
            Config = new ConfigUpdate { Version = 7, Document = "collectors:\n  metrics_interval: 3s\n  disabled: [metrics.netdev]\nspool:\n  max_size: 1MiB\n" },
        });
        var status = await stream.ReceiveDataAsync(Timeout);

        Assert.Equal(ConnectRequest.BodyOneofCase.ConfigStatus, status.BodyCase);
        Assert.True(status.ConfigStatus.Applied, status.ConfigStatus.RejectionReason);
        Assert.Equal(7L, status.ConfigStatus.Version);
        Assert.True(status.Sequence > 0, "a ConfigStatus is spooled and carries a sequence");
        Assert.Equal(TimeSpan.FromSeconds(3), agent.Configuration.Current.Collectors.MetricsInterval);
        Assert.Equal(["metrics.netdev"], agent.Configuration.Current.Collectors.Disabled);
        Assert.Equal(7L, agent.Configuration.AppliedVersion);

        // After a restart the stored version is in force and reported.
        var reloaded = EffectiveConfiguration.Load(agent.Local, NullLogger<EffectiveConfiguration>.Instance);
        Assert.Equal(7L, reloaded.AppliedVersion);
        Assert.Equal(TimeSpan.FromSeconds(3), reloaded.Current.Collectors.MetricsInterval);
    }

    [Fact]
    public async Task ConfigUpdate_Invalid_RejectedWithTheReasonAndThePreviousKept()
    {
        await using var gateway = await FakeGateway.StartAsync();
        await using var agent = new UplinkHarness(gateway.Address);
        agent.Start();
        var stream = await gateway.AcceptAsync(Timeout);
        await stream.ReceiveAsync(Timeout);
        await stream.WelcomeAsync(committed: 0);
        await stream.SendAsync(new ConnectResponse { Config = new ConfigUpdate { Version = 1, Document = "collectors:\n  metrics_interval: 5s\n" } });
        Assert.True((await stream.ReceiveDataAsync(Timeout)).ConfigStatus.Applied);

        await stream.SendAsync(new ConnectResponse { Config = new ConfigUpdate { Version = 2, Document = "collectors:\n  metrics_interval: 0s\n  disabled: [metrics.nope]\n" } });
        var status = (await stream.ReceiveDataAsync(Timeout)).ConfigStatus;

        Assert.False(status.Applied);
        Assert.Equal(2L, status.Version);
        Assert.Contains("collectors.metrics_interval", status.RejectionReason);
        Assert.Equal(1L, agent.Configuration.AppliedVersion);
        Assert.Equal(TimeSpan.FromSeconds(5), agent.Configuration.Current.Collectors.MetricsInterval);
    }

    [Fact]
    public async Task ConfigUpdate_LocalOnlySetting_Rejected()
    {
        await using var gateway = await FakeGateway.StartAsync();
        await using var agent = new UplinkHarness(gateway.Address);
        agent.Start();
        var stream = await gateway.AcceptAsync(Timeout);
        await stream.ReceiveAsync(Timeout);
        await stream.WelcomeAsync(committed: 0);

        await stream.SendAsync(new ConnectResponse { Config = new ConfigUpdate { Version = 3, Document = "server_url: https://evil.example.com\n" } });
        var status = (await stream.ReceiveDataAsync(Timeout)).ConfigStatus;

        Assert.False(status.Applied);
        Assert.Contains("server_url", status.RejectionReason);
        Assert.Equal(agent.Local.ServerUrl, agent.Configuration.Current.ServerUrl);
    }

    [Fact]
    public async Task PlatformSilent_StreamDroppedAfterTheSilenceTimeoutAndReopened()
    {
        await using var gateway = await FakeGateway.StartAsync();
        await using var agent = new UplinkHarness(gateway.Address, "  silence_timeout: 1s");
        agent.Start();
        var first = await gateway.AcceptAsync(Timeout);
        await first.ReceiveAsync(Timeout);
        await first.WelcomeAsync(committed: 0);

        var second = await gateway.AcceptAsync(Timeout);

        Assert.Equal(ConnectRequest.BodyOneofCase.Hello, (await second.ReceiveAsync(Timeout)).BodyCase);
    }

    [Fact]
    public async Task Stop_HalfClosesTheStreamAndReturns()
    {
        await using var gateway = await FakeGateway.StartAsync();
        await using var agent = new UplinkHarness(gateway.Address);
        agent.Start();
        var stream = await gateway.AcceptAsync(Timeout);
        await stream.ReceiveAsync(Timeout);
        await stream.WelcomeAsync(committed: 0);

        await agent.StopAsync();

        await stream.WaitForEndAsync(Timeout);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out waiting for {what}");
            }

            await Task.Delay(20);
        }
    }
}
