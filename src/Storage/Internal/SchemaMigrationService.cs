using System.Reflection;
using Microsoft.Extensions.Hosting;

namespace SentinelSync.Storage.Internal;

/// <summary>Migrates one schema when the host starts, before the server accepts calls.</summary>
internal sealed class SchemaMigrationService : IHostedService
{
    private readonly SchemaMigrator _migrator;
    private readonly string _schema;
    private readonly Assembly _assembly;

    public SchemaMigrationService(SchemaMigrator migrator, string schema, Assembly assembly)
    {
        _migrator = migrator;
        _schema = schema;
        _assembly = assembly;
    }

    public Task StartAsync(CancellationToken cancellationToken) => _migrator.MigrateAsync(_schema, _assembly, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
