using Microsoft.Extensions.Options;

namespace SentinelSync.Asset.Metrics;

/// <summary>Checks the <c>Asset:Metrics</c> settings at start-up; every failure names its setting.</summary>
internal sealed class MetricsOptionsValidator : IValidateOptions<MetricsOptions>
{
    public ValidateOptionsResult Validate(string? name, MetricsOptions options)
    {
        var failures = new List<string>();
        if (!MetricPartitionLayout.IsValidInterval(options.PartitionInterval))
        {
            failures.Add($"Asset:Metrics:PartitionInterval: must be 1, 2, 3, 4, 6, 8 or 12 hours or a whole number of days up to 31; got {options.PartitionInterval}.");
        }

        if (options.Retention < TimeSpan.FromHours(1) || options.Retention < options.PartitionInterval)
        {
            failures.Add($"Asset:Metrics:Retention: must be at least 01:00:00 and at least Asset:Metrics:PartitionInterval; got {options.Retention}.");
        }

        if (options.PartitionsAhead is < 0 or > 366)
        {
            failures.Add($"Asset:Metrics:PartitionsAhead: must be between 0 and 366; got {options.PartitionsAhead}.");
        }

        if (options.FutureTolerance < TimeSpan.Zero || options.FutureTolerance > TimeSpan.FromDays(366))
        {
            failures.Add($"Asset:Metrics:FutureTolerance: must be between 00:00:00 and 366 days; got {options.FutureTolerance}.");
        }

        if (options.MaintenancePeriod < TimeSpan.FromSeconds(1) || options.MaintenancePeriod > TimeSpan.FromDays(1))
        {
            failures.Add($"Asset:Metrics:MaintenancePeriod: must be between 00:00:01 and 1.00:00:00; got {options.MaintenancePeriod}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
