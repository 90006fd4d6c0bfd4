using System.Collections.Concurrent;
using Npgsql;
using SentinelSync.Testing.Internal;

namespace SentinelSync.Testing;

/// <summary>
/// A PostgreSQL server for integration tests: either a private cluster that
/// <c>scripts/pg-cluster.sh</c> starts in a fresh temporary directory, or an existing server named
/// by the <c>SENTINEL_TEST_PG</c> environment variable (which <c>scripts/test.sh</c> sets, so that
/// every test assembly of a run shares one cluster).
/// </summary>
/// <remarks>
/// Disposing a private cluster stops it and deletes its temporary directory; disposing a cluster
/// that wraps an existing server does nothing to that server. Instances are safe to use from
/// several threads; <see cref="DisposeAsync"/> runs once.
/// </remarks>
public sealed class PostgresCluster : IAsyncDisposable
{
    /// <summary>
    /// The environment variable that names an existing server: a connection string to a superuser,
    /// in Npgsql (<c>Host=…;Port=…;Username=…</c>), libpq keyword/value or <c>postgresql://</c> URI form.
    /// </summary>
    public const string EnvironmentVariable = "SENTINEL_TEST_PG";

    private static readonly TimeSpan StopTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan ProcessExitStopTimeout = TimeSpan.FromSeconds(30);

    // Private clusters not yet disposed. A test process that exits normally without disposing one
    // (a test that forgot) still stops it at exit; a killed process cannot, and leaves it running.
    private static readonly ConcurrentDictionary<PostgresCluster, byte> Running = new();

    private static int _processExitHooked;

    private readonly string? _temporaryDirectory;
    private int _disposed;

    private PostgresCluster(string connectionString, string? temporaryDirectory)
    {
        ConnectionString = connectionString;
        _temporaryDirectory = temporaryDirectory;
    }

    /// <summary>
    /// Gets the Npgsql connection string of a superuser on the server's <c>postgres</c> database
    /// (or on the database the <see cref="EnvironmentVariable"/> names).
    /// </summary>
    public string ConnectionString { get; }

    /// <summary>
    /// Gets the temporary directory that holds the private cluster (its data directory is the
    /// <c>pg</c> folder inside), or <see langword="null"/> when this wraps an existing server.
    /// </summary>
    public string? TemporaryDirectory => _temporaryDirectory;

    /// <summary>Gets whether this instance started the server and stops it on dispose.</summary>
    public bool IsPrivate => _temporaryDirectory is not null;

    private string DataDirectory => Path.Combine(_temporaryDirectory!, "pg");

    /// <summary>
    /// Returns the server named by <see cref="EnvironmentVariable"/> when it is set, and otherwise
    /// starts a private cluster (<see cref="StartPrivateAsync"/>).
    /// </summary>
    /// <param name="cancellationToken">Cancels the start; a half-started cluster is stopped and removed.</param>
    public static Task<PostgresCluster> StartAsync(CancellationToken cancellationToken)
    {
        var shared = Environment.GetEnvironmentVariable(EnvironmentVariable);
        return string.IsNullOrWhiteSpace(shared)
            ? StartPrivateAsync(cancellationToken)
            : Task.FromResult(FromConnectionString(shared));
    }

    /// <summary>
    /// Starts a private cluster with <c>scripts/pg-cluster.sh</c> in a fresh temporary directory,
    /// with durability off (<c>PG_FAST=1</c>), listening on 127.0.0.1 on a free port.
    /// </summary>
    /// <param name="cancellationToken">Cancels the start; a half-started cluster is stopped and removed.</param>
    /// <exception cref="InvalidOperationException">The script failed; the message says why.</exception>
    public static async Task<PostgresCluster> StartPrivateAsync(CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("sentinel-pg-").FullName;
        if (!OperatingSystem.IsWindows())
        {
            // When the tests run as root, the server runs as the postgres user, which must be able
            // to pass through this directory (0711: it may not list it).
            File.SetUnixFileMode(
                directory,
                UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }

        var cluster = new PostgresCluster(string.Empty, directory);
        try
        {
            var values = await ClusterScript.RunAsync("start", cluster.DataDirectory, cancellationToken);
            var builder = new NpgsqlConnectionStringBuilder
            {
                Host = ClusterScript.Required(values, "PGHOST"),
                Port = int.Parse(ClusterScript.Required(values, "PGPORT"), System.Globalization.CultureInfo.InvariantCulture),
                Username = ClusterScript.Required(values, "PGUSER"),
                Database = "postgres",
                IncludeErrorDetail = true,
            };
            var started = new PostgresCluster(builder.ConnectionString, directory);
            RegisterForProcessExit(started);
            return started;
        }
        catch (Exception startFailure)
        {
            try
            {
                await cluster.DisposeAsync();
            }
            catch (Exception cleanupFailure)
            {
                throw new AggregateException(startFailure, cleanupFailure);
            }

            throw;
        }
    }

    /// <summary>
    /// Wraps an existing server; disposing the result leaves the server alone.
    /// </summary>
    /// <param name="connectionString">A superuser connection string in any form <see cref="EnvironmentVariable"/> accepts.</param>
    /// <exception cref="ArgumentException">The connection string cannot be parsed.</exception>
    public static PostgresCluster FromConnectionString(string connectionString) =>
        new(ServerConnectionString.ToNpgsql(connectionString), temporaryDirectory: null);

    /// <summary>Stops a private cluster and deletes its temporary directory.</summary>
    /// <remarks>
    /// If the server does not stop, the directory is kept (deleting the files of a running server
    /// helps nobody) and the failure is thrown.
    /// </remarks>
    public async ValueTask DisposeAsync()
    {
        if (_temporaryDirectory is null || Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Running.TryRemove(this, out _);

        // Pooled connections to a stopped server are dead; drop them so nothing reuses them.
        if (ConnectionString.Length > 0)
        {
            using var connection = new NpgsqlConnection(ConnectionString);
            NpgsqlConnection.ClearPool(connection);
        }

        if (Directory.Exists(DataDirectory))
        {
            using var timeout = new CancellationTokenSource(StopTimeout);
            await ClusterScript.RunAsync("stop", DataDirectory, timeout.Token);
        }

        Directory.Delete(_temporaryDirectory, recursive: true);
    }

    private static void RegisterForProcessExit(PostgresCluster cluster)
    {
        if (Interlocked.Exchange(ref _processExitHooked, 1) == 0)
        {
            AppDomain.CurrentDomain.ProcessExit += StopRunningClusters;
        }

        Running.TryAdd(cluster, 0);
    }

    private static void StopRunningClusters(object? sender, EventArgs e)
    {
        foreach (var cluster in Running.Keys)
        {
            try
            {
                cluster.DisposeAsync().AsTask().Wait(ProcessExitStopTimeout);
            }
            catch (Exception)
            {
                // The process is ending; there is nobody left to tell.
            }
        }
    }
}
