using Npgsql;
using SentinelSync.Testing;
using Xunit;

namespace SentinelSync.Testing.Tests;

[Collection(PostgresCollection.Name)]
public sealed class PostgresFixtureTests(PostgresFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task CreateDatabaseAsync_TwoCalls_ReturnSeparateDatabases()
    {
        using var cts = new CancellationTokenSource(Timeout);

        var first = await fixture.CreateDatabaseAsync(cts.Token).WaitAsync(Timeout);
        var second = await fixture.CreateDatabaseAsync(cts.Token).WaitAsync(Timeout);

        var firstName = new NpgsqlConnectionStringBuilder(first).Database;
        var secondName = new NpgsqlConnectionStringBuilder(second).Database;
        Assert.NotEqual(firstName, secondName);
        Assert.Equal(firstName, await ScalarAsync<string>(first, "SELECT current_database()", cts.Token).WaitAsync(Timeout));
        Assert.Equal(secondName, await ScalarAsync<string>(second, "SELECT current_database()", cts.Token).WaitAsync(Timeout));
    }

    [Fact]
    public async Task CreateDatabaseAsync_TableCreatedInOne_IsAbsentInTheOther()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var first = await fixture.CreateDatabaseAsync(cts.Token).WaitAsync(Timeout);
        var second = await fixture.CreateDatabaseAsync(cts.Token).WaitAsync(Timeout);

        await ExecuteAsync(first, "CREATE TABLE probe (id int PRIMARY KEY); INSERT INTO probe VALUES (1)", cts.Token).WaitAsync(Timeout);

        Assert.Equal(1L, await ScalarAsync<long>(first, "SELECT count(*) FROM probe", cts.Token).WaitAsync(Timeout));
        Assert.False(await ScalarAsync<bool>(second, "SELECT to_regclass('public.probe') IS NOT NULL", cts.Token).WaitAsync(Timeout));
    }

    [Fact]
    public async Task Cluster_SelectVersion_IsPostgreSql15OrLater()
    {
        using var cts = new CancellationTokenSource(Timeout);

        var version = await ScalarAsync<string>(fixture.AdminConnectionString, "SELECT version()", cts.Token).WaitAsync(Timeout);
        var versionNumber = await ScalarAsync<string>(fixture.AdminConnectionString, "SHOW server_version_num", cts.Token).WaitAsync(Timeout);

        Assert.StartsWith("PostgreSQL ", version, StringComparison.Ordinal);
        Assert.True(int.Parse(versionNumber, System.Globalization.CultureInfo.InvariantCulture) >= 150000, $"server is {version}");
    }

    [Fact]
    public async Task DisposeAsync_CreatedDatabases_AreDropped()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var other = new PostgresFixture();
        await other.InitializeAsync().WaitAsync(Timeout);
        string database;
        try
        {
            // Both fixtures lease the process's one server, so the collection's fixture can look.
            Assert.Same(fixture.Cluster, other.Cluster);
            var connectionString = await other.CreateDatabaseAsync(cts.Token).WaitAsync(Timeout);
            database = new NpgsqlConnectionStringBuilder(connectionString).Database!;
            // An open pooled connection must not stop the drop.
            await ExecuteAsync(connectionString, "SELECT 1", cts.Token).WaitAsync(Timeout);
            Assert.True(await DatabaseExistsAsync(database, cts.Token).WaitAsync(Timeout));
        }
        finally
        {
            await other.DisposeAsync().WaitAsync(Timeout);
        }

        Assert.False(await DatabaseExistsAsync(database, cts.Token).WaitAsync(Timeout));
        Assert.Equal(1L, await ScalarAsync<long>(fixture.AdminConnectionString, "SELECT 1::bigint", cts.Token).WaitAsync(Timeout));
    }

    private Task<bool> DatabaseExistsAsync(string database, CancellationToken cancellationToken) =>
        ScalarAsync<bool>(
            fixture.AdminConnectionString,
            $"SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = '{database}')",
            cancellationToken);

    internal static async Task<T> ScalarAsync<T>(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    internal static async Task ExecuteAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
