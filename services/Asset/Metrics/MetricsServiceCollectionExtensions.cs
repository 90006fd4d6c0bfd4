using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace SentinelSync.Asset.Metrics;

/// <summary>Registers the metric storage of the <c>asset</c> role.</summary>
public static class MetricsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the metric store, its options (section <c>Asset:Metrics</c>, validated at start-up) and the
    /// partition maintenance service. The <c>asset</c> schema migrations and the database are registered by the role.
    /// </summary>
    public static IServiceCollection AddAssetMetrics(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MetricsOptions>, MetricsOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        // The layout is fixed for the process: partitions are cut by the interval the process started with.
        services.TryAddSingleton(provider => new MetricPartitionLayout(provider.GetRequiredService<IOptions<MetricsOptions>>().Value.PartitionInterval));
        services.TryAddSingleton<MetricPartitionCatalog>();
        services.TryAddSingleton<MetricStore>();
        services.TryAddSingleton<MetricPartitionMaintenance>();
        services.AddSingleton<IHostedService>(provider => provider.GetRequiredService<MetricPartitionMaintenance>());
        return services;
    }
}
