using Npgsql;
using SentinelSync.Testing;
using Xunit;

namespace SentinelSync.Testing.Tests;

[Collection(PostgresCollection.Name)]
public sealed class PostgresClusterTests(PostgresFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task DisposeAsync_PrivateCluster_StopsServerAndRemovesTemporaryDirectory()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var cluster = await PostgresCluster.StartPrivateAsync(cts.Token).WaitAsync(Timeout);
        string directory;
        try
        {
            Assert.True(cluster.IsPrivate);
            directory = cluster.TemporaryDirectory!;
            Assert.True(Directory.Exists(Path.Combine(directory, "pg")));
            Assert.Equal(1, await PostgresFixtureTests.ScalarAsync<int>(cluster.ConnectionString, "SELECT 1", cts.Token).WaitAsync(Timeout));
        }
        finally
        {
            await cluster.DisposeAsync().AsTask().WaitAsync(Timeout);
        }

        Assert.False(Directory.Exists(directory));
        var noPool = new NpgsqlConnectionStringBuilder(cluster.ConnectionString) { Pooling = false, Timeout = 5 }.ConnectionString;
        await Assert.ThrowsAsync<NpgsqlException>(
            () => PostgresFixtureTests.ScalarAsync<int>(noPool, "SELECT 1", cts.Token)).WaitAsync(Timeout);
    }

    [Fact]
    public async Task DisposeAsync_ExistingServer_LeavesServerRunning()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var wrapped = PostgresCluster.FromConnectionString(fixture.AdminConnectionString);

        await wrapped.DisposeAsync().AsTask().WaitAsync(Timeout);

        Assert.False(wrapped.IsPrivate);
        Assert.Equal(1, await PostgresFixtureTests.ScalarAsync<int>(fixture.AdminConnectionString, "SELECT 1", cts.Token).WaitAsync(Timeout));
    }
}
