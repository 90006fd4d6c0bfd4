using System.Globalization;
using System.Text.RegularExpressions;

namespace SentinelSync.Bench.Rpc;

/// <summary>Drives h2load (nghttp2) against a unary method with a fixed request body.</summary>
internal sealed partial class H2Load
{
    private readonly string _requestFile;
    private readonly string _workDirectory;

    public H2Load(string requestFile, string workDirectory, int connections, int streams, int threads)
    {
        _requestFile = requestFile;
        _workDirectory = workDirectory;
        Connections = connections;
        Streams = streams;
        Threads = threads;
    }

    public int Connections { get; }

    public int Streams { get; }

    public int Threads { get; }

    /// <summary>The options every run shares, for the report.</summary>
    public string Describe(long requests) =>
        $"h2load -n {requests} -c {Connections} -m {Streams} -t {Threads} -d <{new FileInfo(_requestFile).Length}-byte framed EchoRequest> -H 'content-type: application/grpc' -H 'te: trailers' --log-file <file> <url>";

    public async Task<H2LoadRun> RunAsync(Uri method, long requests, string label, CancellationToken cancellationToken)
    {
        var logFile = Path.Combine(_workDirectory, $"h2load-{label}.log");
        File.Delete(logFile);
        var info = ChildProcess.Tool(
            "h2load",
            "-n", requests.ToString(CultureInfo.InvariantCulture),
            "-c", Connections.ToString(CultureInfo.InvariantCulture),
            "-m", Streams.ToString(CultureInfo.InvariantCulture),
            "-t", Threads.ToString(CultureInfo.InvariantCulture),
            "-d", _requestFile,
            "-H", "content-type: application/grpc",
            "-H", "te: trailers",
            "--log-file", logFile,
            method.ToString());
        var output = await ChildProcess.RunAsync(info, TimeSpan.FromMinutes(2), cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(_workDirectory, $"h2load-{label}.txt"), output.Stdout + output.Stderr, cancellationToken);
        if (output.ExitCode != 0)
        {
            throw new InvalidOperationException($"h2load exited with {output.ExitCode}: {output.Stderr}{output.Stdout}");
        }

        return Parse(output.Stdout, requests, await ReadLatenciesAsync(logFile, cancellationToken));
    }

    private static H2LoadRun Parse(string summary, long sent, long[] latencies)
    {
        var finished = FinishedLine().Match(summary);
        var requests = RequestsLine().Match(summary);
        var status = StatusLine().Match(summary);
        if (!finished.Success || !requests.Success || !status.Success)
        {
            throw new InvalidOperationException("Unexpected h2load output:\n" + summary);
        }

        var elapsed = Number(finished, 1) * finished.Groups[2].Value switch { "us" => 1e-6, "ms" => 1e-3, _ => 1 };
        return new H2LoadRun(
            sent,
            (long)Number(requests, 4),
            (long)Number(requests, 5),
            (long)Number(requests, 6),
            (long)Number(requests, 7),
            (long)Number(status, 1),
            elapsed,
            Number(finished, 3),
            latencies);
    }

    private static double Number(Match match, int group) => double.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture);

    /// <summary>Column 3 of h2load's log: microseconds from the request's start to the end of its response.</summary>
    private static async Task<long[]> ReadLatenciesAsync(string logFile, CancellationToken cancellationToken)
    {
        var latencies = new List<long>();
        foreach (var line in await File.ReadAllLinesAsync(logFile, cancellationToken))
        {
            var columns = line.Split('\t');
            if (columns.Length >= 3)
            {
                latencies.Add(long.Parse(columns[2], CultureInfo.InvariantCulture));
            }
        }

        var sorted = latencies.ToArray();
        Array.Sort(sorted);
        return sorted;
    }

    [GeneratedRegex(@"finished in ([\d.]+)(us|ms|s), ([\d.]+) req/s")]
    private static partial Regex FinishedLine();

    [GeneratedRegex(@"requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout")]
    private static partial Regex RequestsLine();

    [GeneratedRegex(@"status codes: (\d+) 2xx")]
    private static partial Regex StatusLine();
}
