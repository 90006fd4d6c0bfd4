using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;

namespace SentinelSync.Storage.Internal;

/// <summary>Ready only while PostgreSQL answers; healthy without a database when none is configured.</summary>
internal sealed class DatabaseHealthCheck : IHealthCheck
{
    private readonly DatabaseOptions _options;

    public DatabaseHealthCheck(IOptions<DatabaseOptions> options) => _options = options.Value;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(_options.ConnectionString))
        {
            return HealthCheckResult.Healthy("No database configured.");
        }

        try
        {
            await using var connection = new NpgsqlConnection(_options.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy("PostgreSQL is unreachable: " + ex.Message);
        }
    }
}
