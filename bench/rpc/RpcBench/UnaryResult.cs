namespace SentinelSync.Bench.Rpc;

/// <summary>The measured h2load runs against one server, with what the server spent on them.</summary>
internal sealed record UnaryResult(
    string Server,
    string Probe,
    IReadOnlyList<H2LoadRun> Runs,
    double ServerCpuMicrosecondsPerRequest,
    double ServerAllocatedBytesPerRequest,
    int ServerGen0Collections)
{
    /// <summary>The median of the runs' requests/s.</summary>
    public double RequestsPerSecond => ResultsReport.Median(Runs.Select(run => run.RequestsPerSecond).Order().ToArray());

    /// <summary>A latency percentile over every request of every run.</summary>
    public double PercentileMilliseconds(double percentile)
    {
        var all = Runs.SelectMany(run => run.LatenciesMicroseconds).ToArray();
        Array.Sort(all);
        return new H2LoadRun(all.Length, all.Length, 0, 0, 0, all.Length, 0, 0, all).PercentileMilliseconds(percentile);
    }
}
