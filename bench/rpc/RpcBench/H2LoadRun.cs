namespace SentinelSync.Bench.Rpc;

/// <summary>One h2load run: its summary counts and the per-request latencies from its log file.</summary>
/// <param name="Sent">Requests h2load was asked to send (<c>-n</c>).</param>
/// <param name="Succeeded">Requests h2load counts as succeeded (HTTP 2xx or 3xx, stream closed cleanly).</param>
/// <param name="Failed">Requests h2load counts as failed.</param>
/// <param name="Errored">Requests that ended in a stream or connection error.</param>
/// <param name="TimedOut">Requests that timed out.</param>
/// <param name="Status2xx">Responses with a 2xx status.</param>
/// <param name="Seconds">Wall time of the run, as h2load reports it.</param>
/// <param name="RequestsPerSecond">Requests per second, as h2load reports it.</param>
/// <param name="LatenciesMicroseconds">Per-request time to end of response, ascending.</param>
internal sealed record H2LoadRun(
    long Sent,
    long Succeeded,
    long Failed,
    long Errored,
    long TimedOut,
    long Status2xx,
    double Seconds,
    double RequestsPerSecond,
    long[] LatenciesMicroseconds)
{
    public double PercentileMilliseconds(double percentile)
    {
        if (LatenciesMicroseconds.Length == 0)
        {
            return double.NaN;
        }

        // Nearest rank.
        var rank = (int)Math.Ceiling(percentile / 100 * LatenciesMicroseconds.Length);
        return LatenciesMicroseconds[Math.Clamp(rank - 1, 0, LatenciesMicroseconds.Length - 1)] / 1000.0;
    }

    /// <summary>Why the run does not prove that every request succeeded, or null when it does.</summary>
    public string? Problem() =>
        Succeeded != Sent || Failed != 0 || Errored != 0 || TimedOut != 0 || Status2xx != Sent
            ? $"h2load: {Sent} sent, {Succeeded} succeeded, {Failed} failed, {Errored} errored, {TimedOut} timeout, {Status2xx} 2xx"
            : LatenciesMicroseconds.Length != Sent
                ? $"h2load logged {LatenciesMicroseconds.Length} requests of {Sent}"
                : null;
}
