using SentinelSync.Contracts.Agent.V1;

namespace SentinelSync.Agent.Collectors;

/// <summary>One metrics run: the batch and a report per enabled collector.</summary>
internal sealed record MetricCollection(MetricBatch Batch, IReadOnlyList<CollectorReport> Reports);
