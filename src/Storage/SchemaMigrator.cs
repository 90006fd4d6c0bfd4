using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Npgsql;
using SentinelSync.Storage.Internal;

namespace SentinelSync.Storage;

/// <summary>
/// Brings one schema up to date from SQL scripts embedded in a role's assembly under the logical names
/// <c>migrations/{schema}/NNNN_name.sql</c>. Each script runs once, in its own transaction, in version order.
/// </summary>
/// <remarks>
/// Replicas starting together serialize on a PostgreSQL advisory lock. A script that changed after it was
/// applied stops start-up: migrations are append-only.
/// </remarks>
public sealed class SchemaMigrator
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger<SchemaMigrator> _logger;

    /// <summary>Creates a migrator over a data source.</summary>
    public SchemaMigrator(NpgsqlDataSource dataSource, ILogger<SchemaMigrator> logger)
    {
        _dataSource = dataSource;
        _logger = logger;
    }

    /// <summary>Applies the scripts of <paramref name="schema"/> found in <paramref name="assembly"/> that are not applied yet.</summary>
    /// <returns>The number of scripts applied.</returns>
    public async Task<int> MigrateAsync(string schema, Assembly assembly, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(schema);
        ArgumentNullException.ThrowIfNull(assembly);
        var scripts = MigrationScript.Load(schema, assembly);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await ExecuteAsync(connection, null, "SELECT pg_advisory_lock(@key)", cancellationToken, ("key", AdvisoryKey(schema)));
        try
        {
            var quoted = QuoteIdentifier(schema);
            await ExecuteAsync(connection, null, $"CREATE SCHEMA IF NOT EXISTS {quoted}", cancellationToken);
            await ExecuteAsync(
                connection,
                null,
                $"CREATE TABLE IF NOT EXISTS {quoted}.schema_migrations (version integer PRIMARY KEY, name text NOT NULL, sha256 text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
                cancellationToken);
            var applied = await ReadAppliedAsync(connection, quoted, cancellationToken);
            var count = 0;
            foreach (var script in scripts)
            {
                if (applied.TryGetValue(script.Version, out var sha256))
                {
                    if (sha256 != script.Sha256)
                    {
                        throw new InvalidOperationException($"Migration {script.Name} of schema '{schema}' changed after it was applied; add a new migration instead of editing it.");
                    }

                    continue;
                }

                await ApplyAsync(connection, quoted, script, cancellationToken);
                StorageLog.MigrationApplied(_logger, schema, script.Name);
                count++;
            }

            return count;
        }
        finally
        {
            await ExecuteAsync(connection, null, "SELECT pg_advisory_unlock(@key)", CancellationToken.None, ("key", AdvisoryKey(schema)));
        }
    }

    private static async Task ApplyAsync(NpgsqlConnection connection, string quotedSchema, MigrationScript script, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, transaction, $"SET LOCAL search_path TO {quotedSchema}, public", cancellationToken);
        await ExecuteAsync(connection, transaction, script.Sql, cancellationToken);
        await ExecuteAsync(
            connection,
            transaction,
            $"INSERT INTO {quotedSchema}.schema_migrations (version, name, sha256) VALUES (@version, @name, @sha256)",
            cancellationToken,
            ("version", script.Version),
            ("name", script.Name),
            ("sha256", script.Sha256));
        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task<Dictionary<int, string>> ReadAppliedAsync(NpgsqlConnection connection, string quotedSchema, CancellationToken cancellationToken)
    {
        var applied = new Dictionary<int, string>();
        await using var command = new NpgsqlCommand($"SELECT version, sha256 FROM {quotedSchema}.schema_migrations", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            applied[reader.GetInt32(0)] = reader.GetString(1);
        }

        return applied;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Schema names come from role code, never from input; quoting still keeps them exact.</summary>
    private static string QuoteIdentifier(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>A stable 64-bit key per schema (string.GetHashCode is randomized per process).</summary>
    private static long AdvisoryKey(string schema) =>
        BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes("sentinel.migrations." + schema)), 0);
}
