using System.Globalization;
using System.Text;

namespace SentinelSync.Bench.Rpc;

/// <summary>The "## rpc" section of <c>bench/RESULTS.md</c>: machine, parameters, figures and verdicts.</summary>
internal sealed class ResultsReport(
    MachineInfo machine,
    string loadAverage,
    string source,
    DateTimeOffset date,
    string h2loadCommand,
    int warmupRequests,
    int rounds,
    IReadOnlyList<UnaryResult> unary,
    IReadOnlyList<StreamingResult> streaming,
    int streamCount,
    int streamWarmup,
    int streamRounds)
{
    public const string Heading = "## rpc";
    public const double UnaryRatioTarget = 0.75;
    public const double StreamingTarget = 200_000;

    private UnaryResult Raw => unary.Single(result => result.Server == "raw");

    private UnaryResult Ours => unary.Single(result => result.Server == "grpc");

    /// <summary>ours/raw of each round (the two runs of a round are back to back), ascending.</summary>
    private double[] RoundRatios => Ours.Runs.Zip(Raw.Runs, (ours, raw) => ours.RequestsPerSecond / raw.RequestsPerSecond).Order().ToArray();

    /// <summary>
    /// The verdict's ratio: the median of the per-round ratios. Pairing runs that were back to back
    /// cancels the background load both saw, which the ratio of the two medians does not.
    /// </summary>
    private double Ratio => Median(RoundRatios);

    private StreamingResult OursWithOurClient => streaming.Single(result => result is { Server: "grpc", Client: "grpc" });

    /// <summary>Unary ratio and streaming with our own client both met.</summary>
    public bool AllPassed => Ratio >= UnaryRatioTarget && OursWithOurClient.MessagesPerSecond >= StreamingTarget;

    public string Section()
    {
        var text = new StringBuilder();
        text.AppendLine(Heading).AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Measured {date:yyyy-MM-dd HH:mm} UTC by `bench/rpc/run.sh` (Release build). Servers, h2load and stream clients are separate processes sharing the same {machine.Cores} cores; nothing is pinned.");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"- Source: {source}");
        text.AppendLine(CultureInfo.InvariantCulture, $"- CPU: {machine.Cpu}, {machine.Cores} cores; memory {machine.Memory}");
        text.AppendLine(CultureInfo.InvariantCulture, $"- OS: {machine.Os} ({machine.Kernel}); runtime {machine.Runtime}");
        text.AppendLine(CultureInfo.InvariantCulture, $"- Load average (1/5/15 min): {loadAverage}. The machine is shared: anything else running lands on the same 2 cores, so single rounds vary; compare medians and the per-request CPU figures.");
        text.AppendLine("- Servers: one `RpcBench serve` process each; Kestrel on 127.0.0.1, h2c (HTTP/2 only), logging providers cleared, default settings otherwise (Server GC, tiered JIT with PGO); the same host for both, only the endpoints differ. A middleware on both counts the grpc-status of every response.");
        text.AppendLine();

        text.AppendLine("### Unary: `bench.v1.BenchService/Echo`, 16-byte message");
        text.AppendLine();
        text.AppendLine("- raw: a `MapPost` endpoint doing the byte-level work only (read the length-prefixed body, parse it with the generated parser, build the response, write it length-prefixed as `application/grpc`, `grpc-status: 0` via `Response.AppendTrailer`).");
        text.AppendLine("- ours: `AddGrpc()` + `MapGrpcService<T>()` of SentinelSync.Rpc.Server with the generated service base.");
        text.AppendLine(CultureInfo.InvariantCulture, $"- Load: `{h2loadCommand}`; one warm-up run of {warmupRequests:N0} requests per server (until the tiered JIT has settled), then {rounds} measured rounds of one run per server, back to back (raw first in odd rounds, ours first in even ones). requests/s is the median round; latencies are over every measured request (h2load `--log-file`, time to end of response).");
        text.AppendLine();
        text.AppendLine("| endpoint | requests/s (median) | rounds | p50 ms | p99 ms | server CPU µs/req | server alloc B/req | gen0 GCs |");
        text.AppendLine("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var result in new[] { Raw, Ours })
        {
            var name = result.Server == "raw" ? "raw Kestrel endpoint" : "ours (SentinelSync.Rpc.Server)";
            var each = string.Join(" / ", result.Runs.Select(run => run.RequestsPerSecond.ToString("N0", CultureInfo.InvariantCulture)));
            text.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {result.RequestsPerSecond:N0} | {each} | {result.PercentileMilliseconds(50):0.00} | {result.PercentileMilliseconds(99):0.00} | {result.ServerCpuMicrosecondsPerRequest:0.0} | {result.ServerAllocatedBytesPerRequest:N0} | {result.ServerGen0Collections} |");
        }

        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"**ours / raw = {Ratio:0.00}** (median of the per-round ratios; target ≥ {UnaryRatioTarget:0.00}): **{Verdict(Ratio >= UnaryRatioTarget)}**");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Per-round ratios, ascending: {string.Join(", ", RoundRatios.Select(ratio => ratio.ToString("0.00", CultureInfo.InvariantCulture)))}. Ratio of the two medians: {Ours.RequestsPerSecond / Raw.RequestsPerSecond:0.00}. Raw/ours server CPU per request: {Raw.ServerCpuMicrosecondsPerRequest / Ours.ServerCpuMicrosecondsPerRequest:0.00}, the ratio a CPU-bound server reaches whatever else runs on the machine.");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Correctness: in every run h2load's succeeded count equals the count sent (HTTP 200); each server counted grpc-status 0 on exactly warm-up + measured + probe calls and no other status; probe: {Ours.Probe} (raw: same).");
        text.AppendLine();

        var warmupText = streamWarmup.ToString("N0", CultureInfo.InvariantCulture);
        text.AppendLine(CultureInfo.InvariantCulture, $"### Server streaming: `StreamItems`, {streamCount:N0} messages of ~16 bytes on one stream");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"The server writes every message with `WriteAsync` (flushed, no `BufferHint`) as fast as it can; the client (its own process) counts and sequence-checks them; messages/s = messages / elapsed of the measured call, after a warm-up call of {warmupText} messages in the same client process (a short-lived client runs its per-message path in unoptimized tiers of the JIT for about a second). Each server first serves one unmeasured client run (its JIT warm-up), then {streamRounds} rounds alternate the clients; messages/s is the median round. Server figures are per message over the client runs, warm-up calls included.");
        text.AppendLine();
        text.AppendLine("| server | client | messages/s (median) | rounds | vs target 200,000 | client CPU µs/msg | client alloc B/msg | server CPU µs/msg | server alloc B/msg |");
        text.AppendLine("| --- | --- | ---: | --- | --- | ---: | ---: | ---: | ---: |");
        foreach (var result in streaming)
        {
            var server = result.Server == "grpc" ? "ours" : "raw Kestrel endpoint (flush per message)";
            var client = result.Client == "grpc" ? "ours (GrpcChannel + generated client)" : "raw HttpClient HTTP/2 reader";
            var rate = result.MessagesPerSecond;
            var each = string.Join(" / ", result.Runs.Select(run => run.MessagesPerSecond.ToString("N0", CultureInfo.InvariantCulture)));
            var verdict = result.Server == "grpc" ? Verdict(rate >= StreamingTarget) : "reference";
            text.AppendLine(CultureInfo.InvariantCulture, $"| {server} | {client} | {rate:N0} | {each} | {rate / StreamingTarget:0.00}× {verdict} | {result.ClientCpuMicrosecondsPerMessage:0.00} | {result.ClientAllocatedBytesPerMessage:0} | {result.ServerCpuMicrosecondsPerMessage:0.00} | {result.ServerAllocatedBytesPerMessage:0} |");
        }

        text.AppendLine();
        text.AppendLine("The streaming target counts with our own client (first row); the raw reader rows show how much of the time is the client's.");

        return text.ToString();
    }

    /// <summary>Replaces the "## rpc" section of the file (up to the next "## " heading), or appends it; other sections stay as they are.</summary>
    public static async Task WriteSectionAsync(string file, string section, CancellationToken cancellationToken)
    {
        var lines = File.Exists(file) ? (await File.ReadAllLinesAsync(file, cancellationToken)).ToList() : ["# Benchmark results", ""];
        var start = lines.FindIndex(line => line.TrimEnd() == Heading);
        var replacement = section.TrimEnd().Split('\n').ToList();
        if (start < 0)
        {
            if (lines.Count > 0 && lines[^1].Length > 0)
            {
                lines.Add("");
            }

            lines.AddRange(replacement);
        }
        else
        {
            var end = lines.FindIndex(start + 1, line => line.StartsWith("## ", StringComparison.Ordinal));
            if (end < 0)
            {
                end = lines.Count;
            }
            else
            {
                replacement.Add("");
            }

            lines.RemoveRange(start, end - start);
            lines.InsertRange(start, replacement);
        }

        await File.WriteAllTextAsync(file, string.Join('\n', lines).TrimEnd() + "\n", cancellationToken);
    }

    /// <summary>The median of an ascending array.</summary>
    public static double Median(double[] sorted) =>
        sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;

    private static string Verdict(bool passed) => passed ? "PASS" : "FAIL";
}
