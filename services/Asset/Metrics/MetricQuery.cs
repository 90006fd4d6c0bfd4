using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using SentinelSync.Contracts.Asset.V1;

namespace SentinelSync.Asset.Metrics;

/// <summary>A <see cref="QueryMetricsRequest"/> that passed validation, in the types the query binds.</summary>
internal sealed record MetricQuery(
    IReadOnlyList<string> AgentIds,
    string Metric,
    DateTime Start,
    DateTime End,
    TimeSpan Step,
    Aggregation Aggregation,
    string LabelsJson)
{
    /// <summary>The most points one series may have: (end - start) / step, rounded up.</summary>
    public const int MaxPointsPerSeries = 11_000;

    /// <summary>The most agents one query may name.</summary>
    public const int MaxAgents = 1_000;

    /// <summary>The smallest step.</summary>
    public static readonly TimeSpan MinStep = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Validates <paramref name="request"/>. An unspecified aggregation means average.
    /// </summary>
    /// <exception cref="RpcException"><see cref="StatusCode.InvalidArgument"/> naming the field and what it must be.</exception>
    public static MetricQuery From(QueryMetricsRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.AgentIds.Count == 0)
        {
            throw Invalid("agent_ids: name at least one agent.");
        }

        if (request.AgentIds.Count > MaxAgents)
        {
            throw Invalid($"agent_ids: at most {MaxAgents} agents per query; got {request.AgentIds.Count}.");
        }

        if (request.AgentIds.Any(string.IsNullOrEmpty))
        {
            throw Invalid("agent_ids: an agent id is empty.");
        }

        if (string.IsNullOrWhiteSpace(request.Metric))
        {
            throw Invalid("metric: required, e.g. `cpu.usage_percent`.");
        }

        var start = ReadTime(request.Start, "start");
        var end = ReadTime(request.End, "end");
        if (start >= end)
        {
            throw Invalid($"start must be before end; got start {start:O} and end {end:O}.");
        }

        if (request.Step is null)
        {
            throw Invalid("step: required, at least 1s.");
        }

        TimeSpan step;
        try
        {
            step = request.Step.ToTimeSpan();
        }
        catch (InvalidOperationException)
        {
            throw Invalid("step: not a valid duration.");
        }

        step = TimeSpan.FromTicks(step.Ticks - (step.Ticks % 10));
        if (step < MinStep)
        {
            throw Invalid($"step: at least 1s; got {request.Step.Seconds}s {request.Step.Nanos}ns.");
        }

        var points = ((end - start).Ticks + step.Ticks - 1) / step.Ticks;
        if (points > MaxPointsPerSeries)
        {
            throw Invalid($"the range from start to end holds {points} steps of {step}; at most {MaxPointsPerSeries} points per series: widen step or narrow the range.");
        }

        if (request.Aggregation is not (Aggregation.Unspecified or Aggregation.Min or Aggregation.Avg or Aggregation.Max or Aggregation.P95))
        {
            throw Invalid($"aggregation: unknown value {(int)request.Aggregation}; use MIN, AVG, MAX or P95.");
        }

        var aggregation = request.Aggregation == Aggregation.Unspecified ? Aggregation.Avg : request.Aggregation;
        return new MetricQuery([.. request.AgentIds.Distinct(StringComparer.Ordinal)], request.Metric, start, end, step, aggregation, MetricLabels.ToJson(request.Labels));
    }

    private static DateTime ReadTime(Timestamp? timestamp, string field)
    {
        if (timestamp is null)
        {
            throw Invalid($"{field}: required.");
        }

        try
        {
            var time = timestamp.ToDateTime();

            // PostgreSQL keeps microseconds; a finer start would not match its own buckets.
            return new DateTime(time.Ticks - (time.Ticks % 10), DateTimeKind.Utc);
        }
        catch (InvalidOperationException)
        {
            throw Invalid($"{field}: not a valid timestamp.");
        }
    }

    private static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));
}
