using Npgsql;
using SentinelSync.Contracts.Asset.V1;
using SentinelSync.Testing;

namespace SentinelSync.EndToEnd.Tests;

/// <summary>The platform dies under a reporting agent and comes back: the agent's spool fills the gap, exactly once.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PlatformRestartTests(PostgresFixture postgres)
{
    private static readonly TimeSpan MetricsInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task ServerKilledAndRestarted_NoMetricSampleLostOrDuplicated()
    {
        await using var platform = await Platform.StartAsync(postgres);
        await using var agent = await platform.StartAgentAsync(MetricsInterval);
        await platform.WaitForAgentAsync(agent.AgentId, a => a.State == AgentState.Online, Platform.Timeout, "online");
        await AgentLifecycleTests.WaitForAsync(() => SampleTimesAsync(platform, agent.AgentId), times => times.Count >= 3, "three stored samples");

        await platform.KillAsync();
        var killedAt = DateTime.UtcNow;
        await Task.Delay(Outage);
        await platform.RestartAsync();
        var restartedAt = DateTime.UtcNow;

        // The agent replays what it spooled while the platform was away, then goes on.
        var times = await AgentLifecycleTests.WaitForAsync(
            () => SampleTimesAsync(platform, agent.AgentId),
            times => times.Count > 0 && times[^1] > restartedAt + MetricsInterval,
            "samples after the restart");

        Assert.True(times.Distinct().Count() == times.Count, $"duplicate samples: {string.Join(", ", times.GroupBy(t => t).Where(g => g.Count() > 1).Select(g => g.Key.ToString("O")))}");
        // One sample per collection, 5 s apart on a kept cadence (a late one is followed by an early one); a lost
        // batch leaves a hole of twice that. The bound leaves 3.75 s for a collection delayed by an overloaded machine.
        var holes = times.Zip(times.Skip(1), (earlier, later) => (earlier, later)).Where(pair => pair.later - pair.earlier >= MetricsInterval * 1.75).ToList();
        Assert.True(holes.Count == 0, $"samples missing between {string.Join("; ", holes.Select(h => $"{h.earlier:O} and {h.later:O}"))}\n{agent.Log}");
        Assert.Contains(times, time => time > killedAt.AddSeconds(1) && time < restartedAt.AddSeconds(-1));
    }

    /// <summary>The stored sample times of the agent's one-series metric <c>memory.used_bytes</c>, in order.</summary>
    private static async Task<List<DateTime>> SampleTimesAsync(Platform platform, string agentId)
    {
        await using var connection = new NpgsqlConnection(platform.Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT s.time FROM asset.metric_samples s JOIN asset.metric_series m ON m.series_id = s.series_id
            WHERE m.agent_id = @agent AND m.name = 'memory.used_bytes' ORDER BY s.time
            """,
            connection);
        command.Parameters.AddWithValue("agent", agentId);
        var times = new List<DateTime>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            times.Add(reader.GetDateTime(0));
        }

        return times;
    }
}
