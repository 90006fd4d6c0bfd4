namespace SentinelSync.Bench.Rpc;

/// <summary>What a benchmark server reports on <c>GET /stats</c>: status tallies and process counters since start.</summary>
internal sealed record ServerStats(
    long GrpcStatusOk,
    long GrpcStatusNotOk,
    long GrpcStatusMissing,
    long AllocatedBytes,
    double CpuMilliseconds,
    int Gen0Collections,
    int Gen1Collections,
    int Gen2Collections)
{
    /// <summary>The sum of two spans of time (of <see cref="Since"/> results).</summary>
    public ServerStats Plus(ServerStats other) => new(
        GrpcStatusOk + other.GrpcStatusOk,
        GrpcStatusNotOk + other.GrpcStatusNotOk,
        GrpcStatusMissing + other.GrpcStatusMissing,
        AllocatedBytes + other.AllocatedBytes,
        CpuMilliseconds + other.CpuMilliseconds,
        Gen0Collections + other.Gen0Collections,
        Gen1Collections + other.Gen1Collections,
        Gen2Collections + other.Gen2Collections);

    /// <summary>What happened between an earlier snapshot and this one.</summary>
    public ServerStats Since(ServerStats earlier) => new(
        GrpcStatusOk - earlier.GrpcStatusOk,
        GrpcStatusNotOk - earlier.GrpcStatusNotOk,
        GrpcStatusMissing - earlier.GrpcStatusMissing,
        AllocatedBytes - earlier.AllocatedBytes,
        CpuMilliseconds - earlier.CpuMilliseconds,
        Gen0Collections - earlier.Gen0Collections,
        Gen1Collections - earlier.Gen1Collections,
        Gen2Collections - earlier.Gen2Collections);
}
