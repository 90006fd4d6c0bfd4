using Google.Protobuf.WellKnownTypes;
using SentinelSync.Contracts.Asset.V1;
using SentinelSync.Testing;

namespace SentinelSync.EndToEnd.Tests;

/// <summary>A real agent's life on a real platform: enrolled with a token, online, reporting, killed, decommissioned.</summary>
[Collection(PostgresCollection.Name)]
public sealed class AgentLifecycleTests(PostgresFixture postgres)
{
    private static readonly TimeSpan MetricsInterval = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task EnrolledAgent_ComesOnlineWithLabelsInventoryAndMetrics()
    {
        await using var platform = await Platform.StartAsync(postgres);
        await using var agent = new HostAgent(platform.Server.AgentAddress, MetricsInterval);
        var token = await platform.CreateTokenAsync(labels: new Dictionary<string, string> { ["env"] = "e2e" });
        Assert.Equal("admin", token.Token.CreatedBy);

        var enroll = await agent.EnrollAsync(platform.Server.AgentAddress, token.Secret, token.CaFingerprint);
        Assert.True(enroll.ExitCode == 0, $"enroll exited {enroll.ExitCode}: {enroll.Stderr}");
        agent.Start();

        var online = await platform.WaitForAgentAsync(agent.AgentId, a => a.State == AgentState.Online, Platform.Timeout, "online");
        Assert.Equal("e2e", online.Labels["env"]);
        Assert.False(string.IsNullOrEmpty(online.AgentVersion));

        // Inventory: this machine as the agent read it.
        var inventory = await WaitForAsync(
            async () => await platform.Assets.GetInventoryAsync(new GetInventoryRequest { AgentId = agent.AgentId }, platform.Admin, Platform.Deadline),
            i => i.Inventory?.Cpu?.LogicalCores > 0,
            "an inventory");
        Assert.Equal(Environment.ProcessorCount, inventory.Inventory.Cpu.LogicalCores);
        Assert.Equal(File.ReadAllText("/proc/sys/kernel/hostname").Trim(), inventory.Inventory.Hostname);
        Assert.NotEmpty(inventory.Inventory.Mounts);

        // Metrics: queryable by agent, metric, range and step.
        var start = DateTime.UtcNow.AddMinutes(-5);
        var metrics = await WaitForAsync(
            async () => await platform.Assets.QueryMetricsAsync(
                new QueryMetricsRequest
                {
                    AgentIds = { agent.AgentId },
                    Metric = "memory.used_bytes",
                    Start = Timestamp.FromDateTime(start),
                    End = Timestamp.FromDateTime(DateTime.UtcNow.AddMinutes(1)),
                    Step = Duration.FromTimeSpan(TimeSpan.FromMinutes(1)),
                    Aggregation = Aggregation.Max,
                },
                platform.Admin,
                Platform.Deadline),
            m => m.Series.Count == 1 && m.Series[0].Points.Count > 0,
            "metrics");
        Assert.All(metrics.Series[0].Points, point => Assert.True(point.Value > 0));

        // Several heartbeats went by on the one stream: none of them broke it.
        var beatenFrom = online.LastSeen.ToDateTime();
        await platform.WaitForAgentAsync(agent.AgentId, a => a.LastSeen.ToDateTime() >= beatenFrom + (3 * Platform.HeartbeatInterval), Platform.Timeout, "seen three heartbeats later");
        Assert.Equal(1, CountOf(agent.Log, "Connected as agent"));
        Assert.Equal(0, CountOf(agent.Log, "Stream failed"));
    }

    [Fact]
    public async Task RevokedToken_EnrollRefusedWithTheReason_NoIdentityWritten()
    {
        await using var platform = await Platform.StartAsync(postgres);
        await using var agent = new HostAgent(platform.Server.AgentAddress, MetricsInterval);
        var token = await platform.CreateTokenAsync();
        await platform.Assets.RevokeEnrollmentTokenAsync(new RevokeEnrollmentTokenRequest { TokenId = token.Token.TokenId }, platform.Admin, Platform.Deadline);

        var enroll = await agent.EnrollAsync(platform.Server.AgentAddress, token.Secret, token.CaFingerprint);

        Assert.Equal(4, enroll.ExitCode);
        Assert.Contains("PermissionDenied", enroll.Stderr, StringComparison.Ordinal);
        Assert.Contains("revoked", enroll.Stderr, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(string.Empty, agent.AgentId);
        Assert.False(Directory.Exists(Path.Combine(agent.StateDirectory, "identity")), "an identity was written");
    }

    [Fact]
    public async Task AgentKilled_OfflineWithinTheMissedHeartbeatWindow()
    {
        await using var platform = await Platform.StartAsync(postgres);
        await using var agent = await platform.StartAgentAsync(MetricsInterval);
        await platform.WaitForAgentAsync(agent.AgentId, a => a.State == AgentState.Online, Platform.Timeout, "online");

        await agent.Process.KillAsync(Platform.Timeout);
        var killedAt = DateTime.UtcNow;

        // Three missed 1 s heartbeats, plus one sweep interval, plus slack for a loaded machine.
        var offline = await platform.WaitForAgentAsync(agent.AgentId, a => a.State == AgentState.Offline, TimeSpan.FromSeconds(20), "offline");
        Assert.True(offline.LastSeen.ToDateTime() <= killedAt.AddSeconds(1), $"last seen {offline.LastSeen} after the kill at {killedAt:O}");
    }

    [Fact]
    public async Task AgentDecommissioned_StreamCutAndRefusedAfterwards()
    {
        await using var platform = await Platform.StartAsync(postgres);
        await using var agent = await platform.StartAgentAsync(MetricsInterval);
        await platform.WaitForAgentAsync(agent.AgentId, a => a.State == AgentState.Online, Platform.Timeout, "online");

        await platform.Assets.DecommissionAgentAsync(new DecommissionAgentRequest { AgentId = agent.AgentId }, platform.Admin, Platform.Deadline);

        // The live stream is cut with the reason, and every reconnection is refused the same way.
        await WaitForAsync(() => Task.FromResult(agent.Log), log => CountOf(log, "decommissioned") >= 3, "the agent refused three times");
        var decommissioned = await platform.GetAgentAsync(agent.AgentId);
        Assert.Equal(AgentState.Decommissioned, decommissioned.State);
        Assert.Equal(1, CountOf(agent.Log, "Connected as agent"));
    }

    internal static int CountOf(string text, string value)
    {
        var count = 0;
        for (var at = text.IndexOf(value, StringComparison.OrdinalIgnoreCase); at >= 0; at = text.IndexOf(value, at + value.Length, StringComparison.OrdinalIgnoreCase))
        {
            count++;
        }

        return count;
    }

    internal static async Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> condition, string what)
    {
        var until = DateTime.UtcNow + Platform.Timeout;
        T last = await read();
        while (!condition(last))
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"no {what} within {Platform.Timeout}; last: {last}");
            }

            await Task.Delay(250);
            last = await read();
        }

        return last;
    }
}
