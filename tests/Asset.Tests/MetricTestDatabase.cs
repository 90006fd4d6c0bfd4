using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using SentinelSync.Asset.Agents;
using SentinelSync.Asset.Data;
using SentinelSync.Asset.Inventory;
using SentinelSync.Asset.Metrics;
using SentinelSync.Contracts.Agent.V1;
using SentinelSync.Storage;
using SentinelSync.Testing;

namespace SentinelSync.Asset.Tests;

/// <summary>
/// A fresh database with the <c>asset</c> schema migrated, and the metric and inventory stores over it, built by
/// their own registration (<c>AddAssetMetrics</c>, <c>AddAssetInventory</c>) with a hand-set clock.
/// </summary>
internal sealed class MetricTestDatabase : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private MetricTestDatabase(ServiceProvider services, NpgsqlDataSource dataSource)
    {
        _services = services;
        DataSource = dataSource;
    }

    public NpgsqlDataSource DataSource { get; }

    public MetricStore Metrics => _services.GetRequiredService<MetricStore>();

    public InventoryStore Inventory => _services.GetRequiredService<InventoryStore>();

    public MetricPartitionMaintenance Maintenance => _services.GetRequiredService<MetricPartitionMaintenance>();

    public static async Task<MetricTestDatabase> CreateAsync(PostgresFixture postgres, TimeProvider clock, CancellationToken cancellationToken, IDictionary<string, string?>? settings = null)
    {
        var dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync(cancellationToken));
        await new SchemaMigrator(dataSource, NullLogger<SchemaMigrator>.Instance).MigrateAsync("asset", typeof(MetricStore).Assembly, cancellationToken);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build());
        services.AddSingleton(dataSource);
        services.AddSingleton(clock);
        services.AddDbContextFactory<AssetDbContext>(options => options.UseNpgsql(dataSource));
        services.AddSingleton<AgentRegistry>();
        services.AddSingleton<Microsoft.Extensions.Hosting.IHostApplicationLifetime, NoLifetime>();
        services.AddAssetMetrics();
        services.AddAssetInventory();
        return new MetricTestDatabase(services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true }), dataSource);
    }

    /// <summary>Enrolls an agent the quick way: a row in the registry's table.</summary>
    public async Task<string> AddAgentAsync(CancellationToken cancellationToken)
    {
        var agentId = Guid.NewGuid().ToString();
        await using var command = DataSource.CreateCommand("""
            INSERT INTO asset.agents (agent_id, hostname, certificate_serial, certificate_expires_at, first_seen, updated_at)
            VALUES (@id, 'host-' || @id, 'serial-' || @id, now() + interval '1 year', now(), now())
            """);
        command.Parameters.AddWithValue("id", agentId);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return agentId;
    }

    /// <summary>Appends in a transaction of its own and commits it.</summary>
    public async Task AppendAsync(string agentId, IReadOnlyList<MetricBatch> batches, CancellationToken cancellationToken)
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await Metrics.AppendAsync(connection, agentId, batches, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Applies an inventory report in a transaction of its own and commits it.</summary>
    public async Task ApplyAsync(string agentId, InventoryReport report, CancellationToken cancellationToken)
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await Inventory.ApplyAsync(connection, agentId, report, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<T> ScalarAsync<T>(string sql, CancellationToken cancellationToken)
    {
        await using var command = DataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<List<string>> StringsAsync(string sql, CancellationToken cancellationToken)
    {
        var values = new List<string>();
        await using var command = DataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await DataSource.DisposeAsync();
    }

    /// <summary>The maintenance service waits for the host to start; these tests call its passes directly.</summary>
    private sealed class NoLifetime : Microsoft.Extensions.Hosting.IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication()
        {
        }
    }
}
