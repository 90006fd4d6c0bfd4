using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using SentinelSync.Testing;

namespace SentinelSync.Storage.Tests;

[Collection(PostgresCollection.Name)]
public sealed class SchemaMigratorTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly PostgresFixture _postgres;

    public SchemaMigratorTests(PostgresFixture postgres) => _postgres = postgres;

    [Fact]
    public async Task MigrateAsync_FreshDatabase_AppliesEveryScriptInOrder()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var dataSource = NpgsqlDataSource.Create(await _postgres.CreateDatabaseAsync(cts.Token));

        var applied = await Migrator(dataSource).MigrateAsync("inventory_test", typeof(SchemaMigratorTests).Assembly, cts.Token);

        Assert.Equal(2, applied);
        Assert.Equal(["0001_hosts.sql", "0002_host_labels.sql"], await QueryStringsAsync(dataSource, "SELECT name FROM inventory_test.schema_migrations ORDER BY version", cts.Token));
        Assert.Equal(["host_labels", "hosts"], await QueryStringsAsync(dataSource, "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'inventory_test' AND table_name <> 'schema_migrations' ORDER BY 1", cts.Token));
    }

    [Fact]
    public async Task MigrateAsync_SecondRun_AppliesNothing()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var dataSource = NpgsqlDataSource.Create(await _postgres.CreateDatabaseAsync(cts.Token));
        await Migrator(dataSource).MigrateAsync("inventory_test", typeof(SchemaMigratorTests).Assembly, cts.Token);

        var applied = await Migrator(dataSource).MigrateAsync("inventory_test", typeof(SchemaMigratorTests).Assembly, cts.Token);

        Assert.Equal(0, applied);
    }

    [Fact]
    public async Task MigrateAsync_ConcurrentReplicas_ApplyEachScriptOnce()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var dataSource = NpgsqlDataSource.Create(await _postgres.CreateDatabaseAsync(cts.Token));

        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Migrator(dataSource).MigrateAsync("inventory_test", typeof(SchemaMigratorTests).Assembly, cts.Token)));

        Assert.Equal(2, runs.Sum());
    }

    [Fact]
    public async Task MigrateAsync_FailingScript_KeepsEarlierScriptsAndLeavesNoHalfWrittenState()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var dataSource = NpgsqlDataSource.Create(await _postgres.CreateDatabaseAsync(cts.Token));

        await Assert.ThrowsAsync<PostgresException>(() => Migrator(dataSource).MigrateAsync("broken_test", typeof(SchemaMigratorTests).Assembly, cts.Token));

        Assert.Equal(["0001_things.sql"], await QueryStringsAsync(dataSource, "SELECT name FROM broken_test.schema_migrations", cts.Token));
        Assert.Equal(["things"], await QueryStringsAsync(dataSource, "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'broken_test' AND table_name <> 'schema_migrations'", cts.Token));
    }

    [Fact]
    public async Task MigrateAsync_AppliedScriptChanged_RefusesToStart()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var dataSource = NpgsqlDataSource.Create(await _postgres.CreateDatabaseAsync(cts.Token));
        await Migrator(dataSource).MigrateAsync("inventory_test", typeof(SchemaMigratorTests).Assembly, cts.Token);
        await using (var tamper = dataSource.CreateCommand("UPDATE inventory_test.schema_migrations SET sha256 = 'edited' WHERE version = 1"))
        {
            await tamper.ExecuteNonQueryAsync(cts.Token);
        }

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Migrator(dataSource).MigrateAsync("inventory_test", typeof(SchemaMigratorTests).Assembly, cts.Token));

        Assert.Contains("0001_hosts.sql", error.Message, StringComparison.Ordinal);
        Assert.Contains("changed after it was applied", error.Message, StringComparison.Ordinal);
    }

    private static SchemaMigrator Migrator(NpgsqlDataSource dataSource) => new(dataSource, NullLogger<SchemaMigrator>.Instance);

    private static async Task<string[]> QueryStringsAsync(NpgsqlDataSource dataSource, string sql, CancellationToken cancellationToken)
    {
        var values = new List<string>();
        await using var command = dataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            values.Add(reader.GetString(0));
        }

        return values.ToArray();
    }
}
