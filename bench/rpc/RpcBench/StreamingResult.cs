namespace SentinelSync.Bench.Rpc;

/// <summary>
/// The measured server-streaming calls of one server and client pair, with what the server spent on
/// them (per message over each client run, its warm-up call included).
/// </summary>
internal sealed record StreamingResult(
    string Server,
    string Client,
    IReadOnlyList<StreamResult> Runs,
    double ServerAllocatedBytesPerMessage,
    double ServerCpuMicrosecondsPerMessage)
{
    /// <summary>The median of the runs' messages/s.</summary>
    public double MessagesPerSecond => ResultsReport.Median(Runs.Select(run => run.MessagesPerSecond).Order().ToArray());

    public double ClientCpuMicrosecondsPerMessage => Runs.Sum(run => run.ClientCpuMilliseconds) * 1000 / Runs.Sum(run => run.Messages);

    public double ClientAllocatedBytesPerMessage => (double)Runs.Sum(run => run.ClientAllocatedBytes) / Runs.Sum(run => run.Messages);
}
