using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using SentinelSync.Storage.Internal;

namespace SentinelSync.Storage;

/// <summary>Registers the database and role schemas.</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Binds and validates <see cref="DatabaseOptions"/> (section <c>Database</c>), registers one
    /// <see cref="NpgsqlDataSource"/> and a readiness check tagged <c>ready</c>. Safe to call more than once.
    /// </summary>
    public static IServiceCollection AddSentinelDatabase(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(service => service.ServiceType == typeof(DatabaseMarker)))
        {
            return services;
        }

        services.AddSingleton<DatabaseMarker>();
        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DatabaseOptions>, DatabaseOptionsValidator>());
        services.TryAddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            if (string.IsNullOrEmpty(options.ConnectionString))
            {
                throw new OptionsValidationException(DatabaseOptions.Section, typeof(DatabaseOptions), ["Database:ConnectionString: a role that stores data runs here; set the PostgreSQL connection string."]);
            }

            var builder = new NpgsqlDataSourceBuilder(options.ConnectionString);
            builder.UseLoggerFactory(provider.GetService<Microsoft.Extensions.Logging.ILoggerFactory>());
            return builder.Build();
        });
        services.TryAddSingleton<SchemaMigrator>();
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);
        return services;
    }

    /// <summary>
    /// Migrates <paramref name="schema"/> from the SQL scripts embedded in <paramref name="assembly"/> at start-up.
    /// A role that calls this needs <c>Database:ConnectionString</c>; start-up stops with a message naming it otherwise.
    /// </summary>
    public static IServiceCollection AddSchemaMigrations(this IServiceCollection services, string schema, Assembly assembly)
    {
        ArgumentException.ThrowIfNullOrEmpty(schema);
        services.AddSentinelDatabase();
        services.AddOptions<DatabaseOptions>().Validate(
            options => !string.IsNullOrEmpty(options.ConnectionString),
            $"Database:ConnectionString: the '{schema}' role stores data in PostgreSQL; set the connection string.");
        services.AddSingleton<IHostedService>(provider => new SchemaMigrationService(provider.GetRequiredService<SchemaMigrator>(), schema, assembly));
        return services;
    }

    /// <summary>Marks that the database services are registered.</summary>
    private sealed class DatabaseMarker;
}
