using Npgsql;
using SentinelSync.Testing.Internal;
using Xunit;

namespace SentinelSync.Testing;

/// <summary>
/// An xunit fixture (collection or class) that hands each test a fresh, empty database on a real
/// PostgreSQL server, and drops those databases when the fixture is disposed.
/// </summary>
/// <remarks>
/// All fixtures of a test process share one <see cref="PostgresCluster"/>: the server named by
/// <c>SENTINEL_TEST_PG</c> when it is set, otherwise a private cluster started for the process and
/// stopped when its last fixture is disposed. <see cref="CreateDatabaseAsync"/> may be called
/// from parallel tests.
/// </remarks>
public sealed class PostgresFixture : IAsyncLifetime
{
    private const string DatabasePrefix = "sentinel_test_";

    // Starting a cluster takes about a second; installing postgresql-15 first takes longer.
    private static readonly TimeSpan InitializeTimeout = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan DisposeTimeout = TimeSpan.FromMinutes(2);

    private readonly Lock _databasesLock = new();
    private readonly List<string> _databases = [];
    private PostgresCluster? _cluster;

    /// <summary>Gets the server the databases live on.</summary>
    /// <exception cref="InvalidOperationException">The fixture has not been initialized.</exception>
    public PostgresCluster Cluster =>
        _cluster ?? throw new InvalidOperationException("The PostgresFixture is not initialized; xunit initializes it before the first test.");

    /// <summary>Gets a superuser connection string to the server's maintenance database.</summary>
    public string AdminConnectionString => Cluster.ConnectionString;

    /// <summary>
    /// Creates a new, empty, uniquely named database and returns an Npgsql connection string to it
    /// (as the superuser).
    /// </summary>
    /// <param name="cancellationToken">Cancels the creation.</param>
    /// <returns>The connection string; its <c>Database</c> names the new database.</returns>
    public async Task<string> CreateDatabaseAsync(CancellationToken cancellationToken)
    {
        var name = DatabasePrefix + Guid.NewGuid().ToString("N");
        await using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        lock (_databasesLock)
        {
            _databases.Add(name);
        }

        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ConnectionString;
    }

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(InitializeTimeout);
        _cluster = await SharedCluster.AcquireAsync(timeout.Token);
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_cluster is null)
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(DisposeTimeout);
            await DropDatabasesAsync(timeout.Token);
        }
        finally
        {
            _cluster = null;
            await SharedCluster.ReleaseAsync();
        }
    }

    private async Task DropDatabasesAsync(CancellationToken cancellationToken)
    {
        string[] names;
        lock (_databasesLock)
        {
            names = [.. _databases];
            _databases.Clear();
        }

        if (names.Length == 0)
        {
            return;
        }

        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync(cancellationToken);
        foreach (var name in names)
        {
            // Pooled connections of the tests would keep the database busy; FORCE ends them.
            var builder = new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name };
            using (var pooled = new NpgsqlConnection(builder.ConnectionString))
            {
                NpgsqlConnection.ClearPool(pooled);
            }

            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
