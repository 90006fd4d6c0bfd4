using System.Globalization;
using System.Text.Json;
using Google.Protobuf;
using SentinelSync.Bench.Rpc.V1;

namespace SentinelSync.Bench.Rpc;

/// <summary>
/// The <c>run</c> command: the whole benchmark. Starts the raw and the gRPC server as separate
/// processes, drives both with the same h2load runs (alternating, so drift hits both), measures
/// one-stream server streaming with our client and a raw HttpClient reader, checks that every call
/// succeeded, and writes the "## rpc" section of RESULTS.md.
/// </summary>
internal static class BenchRun
{
    private const string EchoPath = "/bench.v1.BenchService/Echo";

    public static async Task<int> RunAsync(BenchArgs args, CancellationToken cancellationToken)
    {
        var resultsFile = Path.GetFullPath(args.Get("out", "RESULTS.md"));
        var requests = args.GetInt("requests", 200_000);
        var warmupRequests = args.GetInt("warmup-requests", 600_000);
        var rounds = args.GetInt("rounds", 9);
        var streamCount = args.GetInt("stream-count", 2_000_000);
        var streamWarmup = args.GetInt("stream-warmup", 2_000_000);
        var streamRounds = args.GetInt("stream-rounds", 3);
        var workDirectory = Directory.CreateTempSubdirectory("rpcbench-").FullName;
        var started = DateTimeOffset.UtcNow;
        var loadBefore = MachineInfo.LoadAverage();
        var source = await SourceRevision.DescribeAsync(args.Get("repo", "") is { Length: > 0 } repo ? repo : null, cancellationToken);
        Console.WriteLine($"rpcbench: work files (h2load output and logs, probe responses) in {workDirectory}");

        // 1. The request every unary call sends: a 16-byte EchoRequest, length-prefixed.
        var echoRequest = new EchoRequest { Id = 1, Payload = ByteString.CopyFromUtf8("sentinel-rpc") };
        var requestFile = Path.Combine(workDirectory, "echo-request.bin");
        await File.WriteAllBytesAsync(requestFile, Framing.Frame(echoRequest), cancellationToken);
        var h2load = new H2Load(requestFile, workDirectory, connections: 8, streams: 32, threads: 1);

        // 2. Unary, then 3. streaming.
        var unary = await MeasureUnaryAsync(h2load, echoRequest, requestFile, workDirectory, warmupRequests, requests, rounds, cancellationToken);
        var streaming = await MeasureStreamingAsync(streamCount, streamWarmup, streamRounds, cancellationToken);

        // 4. The report.
        var load = $"{loadBefore} before, {MachineInfo.LoadAverage()} after";
        var report = new ResultsReport(MachineInfo.Describe(), load, source, started, h2load.Describe(requests), warmupRequests, rounds, unary, streaming, streamCount, streamWarmup, streamRounds);
        var section = report.Section();
        await ResultsReport.WriteSectionAsync(resultsFile, section, cancellationToken);
        Console.WriteLine();
        Console.WriteLine(section);
        Console.WriteLine($"rpcbench: wrote the \"## rpc\" section of {resultsFile}");
        return report.AllPassed ? 0 : 1;
    }

    /// <summary>Both servers up and warmed (probe, then a long h2load run each), then measured in rounds of one run each.</summary>
    private static async Task<List<UnaryResult>> MeasureUnaryAsync(
        H2Load h2load,
        EchoRequest echoRequest,
        string requestFile,
        string workDirectory,
        int warmupRequests,
        int requests,
        int rounds,
        CancellationToken cancellationToken)
    {
        var servers = new List<ServerProcess>();
        try
        {
            servers.Add(await ServerProcess.StartAsync("raw", cancellationToken));
            servers.Add(await ServerProcess.StartAsync("grpc", cancellationToken));
            var probes = new Dictionary<string, string>();
            foreach (var server in servers)
            {
                probes[server.Mode] = await CurlProbe.EchoAsync(new Uri(server.Address, EchoPath), requestFile, echoRequest, workDirectory, server.Mode, cancellationToken);
                var warmup = await h2load.RunAsync(new Uri(server.Address, EchoPath), warmupRequests, $"{server.Mode}-warmup", cancellationToken);
                Report(warmup, server.Mode, "warm-up");
                Check(server, warmup.Problem());
            }

            var before = new Dictionary<string, ServerStats>();
            var runs = servers.ToDictionary(server => server.Mode, _ => new List<H2LoadRun>());
            foreach (var server in servers)
            {
                before[server.Mode] = await server.GetStatsAsync(cancellationToken);
            }

            for (var round = 1; round <= rounds; round++)
            {
                // Back to back, and raw first in odd rounds, ours first in even ones: a round's two runs
                // see the same background load, and neither server always goes first.
                foreach (var server in round % 2 == 1 ? servers : Enumerable.Reverse(servers))
                {
                    var run = await h2load.RunAsync(new Uri(server.Address, EchoPath), requests, $"{server.Mode}-{round}", cancellationToken);
                    Report(run, server.Mode, $"round {round}");
                    Check(server, run.Problem());
                    runs[server.Mode].Add(run);
                }
            }

            var results = new List<UnaryResult>();
            foreach (var server in servers)
            {
                var total = await server.GetStatsAsync(cancellationToken);
                var measured = total.Since(before[server.Mode]);
                var sent = (double)runs[server.Mode].Sum(run => run.Sent);
                Check(server, StatusProblem(total, expectedOk: 1 + warmupRequests + (long)sent));
                results.Add(new UnaryResult(
                    server.Mode,
                    probes[server.Mode],
                    runs[server.Mode],
                    measured.CpuMilliseconds * 1000 / sent,
                    measured.AllocatedBytes / sent,
                    measured.Gen0Collections));
            }

            return results;
        }
        finally
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// One stream per call: our server read by our client and by a raw reader, in alternating rounds;
    /// the raw server read by the raw reader shows what Kestrel itself allows. Each server first serves
    /// one unmeasured client run, so the first measured client does not pay for the server's JIT.
    /// </summary>
    private static async Task<List<StreamingResult>> MeasureStreamingAsync(int count, int warmup, int rounds, CancellationToken cancellationToken)
    {
        var results = new List<StreamingResult>();
        foreach (var (serverMode, clients) in new[] { ("grpc", new[] { "grpc", "raw" }), ("raw", new[] { "raw" }) })
        {
            await using var server = await ServerProcess.StartAsync(serverMode, cancellationToken);
            await RunStreamClientAsync(server.Address, "raw", count / 2, warmup, cancellationToken);
            var runs = clients.ToDictionary(client => client, _ => new List<StreamResult>());
            var spent = clients.ToDictionary(client => client, _ => new ServerStats(0, 0, 0, 0, 0, 0, 0, 0));
            for (var round = 1; round <= rounds; round++)
            {
                foreach (var client in clients)
                {
                    var before = await server.GetStatsAsync(cancellationToken);
                    var result = await RunStreamClientAsync(server.Address, client, count, warmup, cancellationToken);
                    var run = (await server.GetStatsAsync(cancellationToken)).Since(before);

                    // The client made two calls: its warm-up and the measured one.
                    Check(server, StatusProblem(run, expectedOk: 2));
                    Console.WriteLine($"rpcbench: streaming {serverMode} server, {client} client, round {round}: {result.MessagesPerSecond:N0} messages/s");
                    runs[client].Add(result);
                    spent[client] = run.Plus(spent[client]);
                }
            }

            foreach (var client in clients)
            {
                var messages = (double)rounds * (count + warmup);
                results.Add(new StreamingResult(serverMode, client, runs[client], spent[client].AllocatedBytes / messages, spent[client].CpuMilliseconds * 1000 / messages));
            }
        }

        return results;
    }

    private static async Task<StreamResult> RunStreamClientAsync(Uri address, string client, int count, int warmup, CancellationToken cancellationToken)
    {
        var info = ChildProcess.Self(
            "stream-client",
            "--address", address.ToString(),
            "--client", client,
            "--count", count.ToString(CultureInfo.InvariantCulture),
            "--warmup", warmup.ToString(CultureInfo.InvariantCulture));
        var output = await ChildProcess.RunAsync(info, TimeSpan.FromMinutes(3), cancellationToken);
        var last = output.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
        if (output.ExitCode != 0 || last is null)
        {
            throw new InvalidOperationException($"stream-client --client {client} failed ({output.ExitCode}): {output.Stderr}{output.Stdout}");
        }

        return JsonSerializer.Deserialize(last, BenchJson.Default.StreamResult) ?? throw new InvalidOperationException("stream-client printed no result.");
    }

    /// <summary>Every POST the server answered must have ended with grpc-status 0, and there must be exactly as many as were sent.</summary>
    private static string? StatusProblem(ServerStats stats, long expectedOk) =>
        stats.GrpcStatusOk == expectedOk && stats.GrpcStatusNotOk == 0 && stats.GrpcStatusMissing == 0
            ? null
            : $"server saw grpc-status 0 on {stats.GrpcStatusOk} calls (expected {expectedOk}), another status on {stats.GrpcStatusNotOk}, none on {stats.GrpcStatusMissing}";

    private static void Check(ServerProcess server, string? problem)
    {
        if (problem is not null)
        {
            throw new InvalidOperationException($"{server.Mode} server: {problem}\n{server.Output()}");
        }
    }

    private static void Report(H2LoadRun run, string server, string what) =>
        Console.WriteLine($"rpcbench: unary {server,-4} {what}: {run.RequestsPerSecond,10:N0} req/s, p50 {run.PercentileMilliseconds(50):0.000} ms, p99 {run.PercentileMilliseconds(99):0.000} ms, {run.Succeeded}/{run.Sent} succeeded");
}
