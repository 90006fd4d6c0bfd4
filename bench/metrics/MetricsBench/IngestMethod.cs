using Npgsql;

namespace SentinelSync.Bench.Metrics;

/// <summary>One way of writing a workload call's samples inside an open transaction.</summary>
internal interface IIngestMethod
{
    string Name { get; }

    Task WriteAsync(NpgsqlConnection connection, Workload.Call call, CancellationToken cancellationToken);
}
