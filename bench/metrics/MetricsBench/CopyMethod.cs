using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using SentinelSync.Asset.Metrics;

namespace SentinelSync.Bench.Metrics;

/// <summary>The service's own path: <see cref="MetricStore.AppendAsync"/> (checks, series lookup, binary COPY).</summary>
internal sealed class CopyMethod : IIngestMethod
{
    private readonly MetricStore _store;

    public CopyMethod(NpgsqlDataSource dataSource)
    {
        var options = new MetricsOptions();
        var catalog = new MetricPartitionCatalog(dataSource, new MetricPartitionLayout(options.PartitionInterval), NullLogger<MetricPartitionCatalog>.Instance);

        // AppendAsync never asks the agent registry; only queries do.
        _store = new MetricStore(dataSource, catalog, null!, new StaticOptions(options), TimeProvider.System, NullLogger<MetricStore>.Instance);
    }

    public string Name => "MetricStore.AppendAsync (binary COPY)";

    public Task WriteAsync(NpgsqlConnection connection, Workload.Call call, CancellationToken cancellationToken) =>
        _store.AppendAsync(connection, call.AgentId, call.Batches, cancellationToken);

    private sealed class StaticOptions(MetricsOptions value) : IOptionsMonitor<MetricsOptions>
    {
        public MetricsOptions CurrentValue => value;

        public MetricsOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<MetricsOptions, string?> listener) => null;
    }
}
