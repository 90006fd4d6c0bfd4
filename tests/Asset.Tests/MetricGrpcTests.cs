using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Npgsql;
using SentinelSync.Contracts.Agent.V1;
using SentinelSync.Contracts.Asset.V1;
using SentinelSync.Testing;
using Duration = Google.Protobuf.WellKnownTypes.Duration;

namespace SentinelSync.Asset.Tests;

/// <summary>Metrics through the service: RecordAgentReports in, QueryMetrics out, across a server restart.</summary>
[Collection(PostgresCollection.Name)]
public sealed class MetricGrpcTests(PostgresFixture postgres)
{
    [Fact]
    public async Task RecordAgentReports_ServerRestartsAndAgentReplaysItsSpool_NoSampleLostNorDuplicated()
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Start);
        var database = await postgres.CreateDatabaseAsync(timeout.Token);
        var caKey = AssetTestHost.NewCaKey();
        var clock = new FakeClock();
        string agentId;
        var start = clock.GetUtcNow().AddMinutes(-30);

        // 1. Sequences 1-5 are committed, then the server goes away.
        await using (var first = await AssetTestHost.StartAsync(database, caKey, clock))
        {
            var token = await Enroll.CreateTokenAsync(first.Client);
            agentId = (await Enroll.AgentAsync(first.Client, token.Secret)).AgentId;
            var committed = await RecordAsync(first.Client, agentId, start, 1, 5);
            Assert.Equal(5UL, committed);
        }

        // 2. A new server on the same database; the agent, which never saw the acks, replays 1-8.
        await using var second = await AssetTestHost.StartAsync(database, caKey, clock);
        Assert.Equal(8UL, await RecordAsync(second.Client, agentId, start, 1, 8));
        Assert.Equal(8UL, await RecordAsync(second.Client, agentId, start, 6, 8));

        // 3. Every sample of 1-8 exactly once: 8 batches x 10 series, value = sequence * 100 + series.
        var response = await second.Client.QueryMetricsAsync(new QueryMetricsRequest
        {
            AgentIds = { agentId },
            Metric = "disk.used_bytes",
            Start = Timestamp.FromDateTimeOffset(start),
            End = Timestamp.FromDateTimeOffset(start.AddMinutes(10)),
            Step = Duration.FromTimeSpan(TimeSpan.FromMinutes(10)),
            Aggregation = Aggregation.Avg,
        }).ResponseAsync.WaitAsync(TestTimeouts.Call);
        Assert.Equal(10, response.Series.Count);
        Assert.All(response.Series, series => Assert.Equal(450d + int.Parse(series.Labels["disk"], System.Globalization.CultureInfo.InvariantCulture), Assert.Single(series.Points).Value));

        await using var dataSource = NpgsqlDataSource.Create(database);
        await using var count = dataSource.CreateCommand("SELECT count(*), sum(value) FROM asset.metric_samples");
        await using var reader = await count.ExecuteReaderAsync(timeout.Token);
        Assert.True(await reader.ReadAsync(timeout.Token));
        Assert.Equal(80L, reader.GetInt64(0));
        Assert.Equal(Enumerable.Range(1, 8).Sum(sequence => Enumerable.Range(0, 10).Sum(disk => (sequence * 100d) + disk)), reader.GetDouble(1));
    }

    [Fact]
    public async Task RecordAgentReports_WriterDiesMidTransaction_ReplayStoresEverySampleOnce()
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Start);
        var database = await postgres.CreateDatabaseAsync(timeout.Token);
        await using var host = await AssetTestHost.StartAsync(database, AssetTestHost.NewCaKey());
        var token = await Enroll.CreateTokenAsync(host.Client);
        var agentId = (await Enroll.AgentAsync(host.Client, token.Secret)).AgentId;
        var start = host.Clock.GetUtcNow().AddMinutes(-30);
        Assert.Equal(3UL, await RecordAsync(host.Client, agentId, start, 1, 3));
        await using var dataSource = NpgsqlDataSource.Create(database);

        // 1. Hold the samples table so the next write stops inside its transaction, at the COPY.
        await using var blocker = await dataSource.OpenConnectionAsync(timeout.Token);
        await using var blocking = await blocker.BeginTransactionAsync(timeout.Token);
        await using (var command = new NpgsqlCommand("LOCK TABLE asset.metric_samples IN ACCESS EXCLUSIVE MODE", blocker))
        {
            await command.ExecuteNonQueryAsync(timeout.Token);
        }

        var interrupted = RecordAsync(host.Client, agentId, start, 4, 6);

        // 2. Kill the writer's session mid-transaction, as a dying server would leave it.
        var killed = false;
        for (var attempt = 0; attempt < 200 && !killed; attempt++)
        {
            await using var command = dataSource.CreateCommand("""
                SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                WHERE datname = current_database() AND pid <> pg_backend_pid() AND wait_event_type = 'Lock' AND query LIKE 'COPY asset.metric_samples%'
                """);
            killed = await command.ExecuteScalarAsync(timeout.Token) is true;
            if (!killed)
            {
                await Task.Delay(50, timeout.Token);
            }
        }

        Assert.True(killed, "the write never reached the COPY");
        await blocking.RollbackAsync(timeout.Token);
        await Assert.ThrowsAnyAsync<RpcException>(() => interrupted);

        // 3. The agent saw no ack for 4-6 and sends them again.
        Assert.Equal(6UL, await RecordAsync(host.Client, agentId, start, 4, 6));
        await using var count = dataSource.CreateCommand("SELECT count(*), sum(value) FROM asset.metric_samples");
        await using var reader = await count.ExecuteReaderAsync(timeout.Token);
        Assert.True(await reader.ReadAsync(timeout.Token));
        Assert.Equal(60L, reader.GetInt64(0));
        Assert.Equal(Enumerable.Range(1, 6).Sum(sequence => Enumerable.Range(0, 10).Sum(disk => (sequence * 100d) + disk)), reader.GetDouble(1));
    }

    [Fact]
    public async Task QueryMetrics_BadRequestOrUnknownAgent_InvalidArgumentOrNotFoundOverTheWire()
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Start);
        await using var host = await AssetTestHost.StartAsync(await postgres.CreateDatabaseAsync(timeout.Token), AssetTestHost.NewCaKey());
        var now = host.Clock.GetUtcNow();
        var request = new QueryMetricsRequest
        {
            AgentIds = { "no-such-agent" },
            Metric = "cpu",
            Start = Timestamp.FromDateTimeOffset(now.AddDays(-1)),
            End = Timestamp.FromDateTimeOffset(now),
            Step = Duration.FromTimeSpan(TimeSpan.FromSeconds(1)),
        };

        var tooMany = await Assert.ThrowsAsync<RpcException>(() => host.Client.QueryMetricsAsync(request).ResponseAsync.WaitAsync(TestTimeouts.Call));
        request.Step = Duration.FromTimeSpan(TimeSpan.FromMinutes(1));
        var unknown = await Assert.ThrowsAsync<RpcException>(() => host.Client.QueryMetricsAsync(request).ResponseAsync.WaitAsync(TestTimeouts.Call));

        Assert.Equal(StatusCode.InvalidArgument, tooMany.StatusCode);
        Assert.Contains("at most 11000 points per series", tooMany.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
    }

    /// <summary>Sends sequences <paramref name="from"/>..<paramref name="to"/>, one metric batch each, a second apart.</summary>
    private static async Task<ulong> RecordAsync(AssetService.AssetServiceClient client, string agentId, DateTimeOffset start, int from, int to)
    {
        var request = new RecordAgentReportsRequest { AgentId = agentId, PeerAddress = "127.0.0.1" };
        for (var sequence = from; sequence <= to; sequence++)
        {
            var batch = new MetricBatch { CollectedAt = Timestamp.FromDateTimeOffset(start.AddSeconds(sequence)) };
            for (var disk = 0; disk < 10; disk++)
            {
                batch.Samples.Add(MetricStoreTests.Sample("disk.used_bytes", (sequence * 100) + disk, ("disk", disk.ToString(System.Globalization.CultureInfo.InvariantCulture))));
            }

            request.Reports.Add(new ConnectRequest { Sequence = (ulong)sequence, Metrics = batch });
        }

        var response = await client.RecordAgentReportsAsync(request).ResponseAsync.WaitAsync(TestTimeouts.Call);
        return response.CommittedSequence;
    }
}
