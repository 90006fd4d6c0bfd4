using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using SentinelSync.Asset.Agents;
using SentinelSync.Asset.Certificates;
using SentinelSync.Asset.Configs;
using SentinelSync.Asset.Data;
using SentinelSync.Asset.Enrollment;
using SentinelSync.Asset.Inventory;
using SentinelSync.Asset.Metrics;
using SentinelSync.Asset.Notifications;
using SentinelSync.Asset.Reports;
using SentinelSync.Storage;

namespace SentinelSync.Asset;

/// <summary>Adds the <c>asset</c> role to a host.</summary>
public static class AssetServiceCollectionExtensions
{
    /// <summary>
    /// Registers the asset role: options (section <c>Asset</c>, validated at start-up), the <c>asset</c> schema
    /// migrations, the platform CA (loaded or created at start-up), the registry, configuration store and the
    /// background services. Needs <c>Database:ConnectionString</c> and <c>Asset:CaKeyEncryptionKey</c>.
    /// </summary>
    public static WebApplicationBuilder AddAsset(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<AssetOptions>()
            .BindConfiguration(AssetOptions.Section)
            .Configure<IConfiguration>((options, configuration) =>
                options.HeartbeatInterval = AssetOptionsValidator.ConfiguredHeartbeatInterval(configuration) ?? options.HeartbeatInterval)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AssetOptions>, AssetOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddSchemaMigrations(AssetDbContext.Schema, typeof(AssetServiceCollectionExtensions).Assembly);
        services.AddDbContextFactory<AssetDbContext>((provider, options) =>
            options.UseNpgsql(provider.GetRequiredService<NpgsqlDataSource>()));
        services.TryAddSingleton<PlatformCertificateAuthority>();
        // After the schema migration (registered above), before any call is served.
        services.AddHostedService<CertificateAuthorityLoader>();
        services.TryAddSingleton<EnrollmentTokens>();
        services.TryAddSingleton<AgentEnrollment>();
        services.TryAddSingleton<AgentRegistry>();
        services.TryAddSingleton<AgentWatch>();
        services.TryAddSingleton<AgentReports>();
        services.TryAddSingleton<LivenessBuffer>();
        services.AddSingleton<IHostedService>(provider => provider.GetRequiredService<LivenessBuffer>());
        services.TryAddSingleton<ConfigStore>();
        services.TryAddSingleton<ConfigWatch>();
        services.TryAddSingleton<ChangeFeed>();
        services.AddSingleton<IHostedService>(provider => provider.GetRequiredService<ChangeFeed>());
        services.TryAddSingleton<OfflineSweeper>();
        services.AddSingleton<IHostedService>(provider => provider.GetRequiredService<OfflineSweeper>());
        services.AddAssetInventory();
        services.AddAssetMetrics();
        return builder;
    }

    /// <summary>Maps <c>sentinel.asset.v1.AssetService</c>.</summary>
    public static WebApplication MapAsset(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGrpcService<AssetGrpcService>();
        return app;
    }
}
