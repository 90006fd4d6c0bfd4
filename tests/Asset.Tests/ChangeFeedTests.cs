using Grpc.Core;
using Npgsql;
using SentinelSync.Asset.Notifications;
using SentinelSync.Testing;

namespace SentinelSync.Asset.Tests;

[Collection(PostgresCollection.Name)]
public sealed class ChangeFeedTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Subscribe_WatcherFallsBehind_DroppedWithResourceExhaustedOthersKeepReceiving()
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Call);
        var database = await postgres.CreateDatabaseAsync(timeout.Token);
        await using var host = await AssetTestHost.StartAsync(database, AssetTestHost.NewCaKey());
        var feed = host.Service<ChangeFeed>();
        await feed.WaitListeningAsync(TestTimeouts.Call, timeout.Token);
        using var slow = feed.Subscribe(ChangeFeed.AgentsChannel);
        using var fast = feed.Subscribe(ChangeFeed.AgentsChannel);

        // Another replica (any connection) notifies 1000 changes in one transaction, then 100 more once the fast
        // watcher has read the first ones: the slow one, which read nothing, overflows its 1024 places.
        async Task NotifyAsync(int from, int to)
        {
            await using var connection = new NpgsqlConnection(database);
            await connection.OpenAsync(timeout.Token);
            await using var command = new NpgsqlCommand("SELECT count(pg_notify('asset_agents', g::text)) FROM generate_series(@from, @to) g", connection);
            command.Parameters.AddWithValue("from", from);
            command.Parameters.AddWithValue("to", to);
            await command.ExecuteScalarAsync(timeout.Token);
        }

        async Task<int> ReadAsync(int count)
        {
            for (var i = 0; i < count; i++)
            {
                await fast.ReadAsync(timeout.Token);
            }

            return count;
        }

        await NotifyAsync(1, 1000);
        Assert.Equal(1000, await ReadAsync(1000).WaitAsync(TestTimeouts.Call));
        await NotifyAsync(1001, 1100);
        Assert.Equal(100, await ReadAsync(100).WaitAsync(TestTimeouts.Call));
        var kept = 0;
        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (true)
            {
                await slow.ReadAsync(timeout.Token);
                kept++;
            }
        });
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Equal(1024, kept);
    }
}
