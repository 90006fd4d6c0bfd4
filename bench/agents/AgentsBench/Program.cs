using System.Diagnostics;
using SentinelSync.AgentGateway.Tests;
using SentinelSync.Contracts.Agent.V1;

// Usage: AgentsBench [agents] [seconds] [results-file]
var agents = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 1000;
var seconds = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 20;
var resultsFile = args.Length > 2 ? args[2] : null;

await using var host = await GatewayHost.StartAsync(new Dictionary<string, string?> { ["AgentGateway:BatchDelay"] = "00:00:00" });
var identities = Enumerable.Range(1, agents).Select(i => new AgentIdentity($"bench-{i:D5}", host.Asset.Ca.IssueClientCertificate($"bench-{i:D5}"))).ToArray();

var (heapBefore, rssBefore) = Measure();
var connect = Stopwatch.StartNew();
var connected = new List<TestAgent>(agents);
foreach (var chunk in identities.Chunk(50))
{
    var opened = await Task.WhenAll(chunk.Select(identity => TestAgent.ConnectAsync(host, identity)));
    connected.AddRange(opened.Select(pair => pair.Agent));
}

connect.Stop();
Console.WriteLine($"{connected.Count} agents connected in {connect.Elapsed.TotalSeconds:F1} s; sessions on the gateway: {host.Sessions.Count}");

// Heartbeats every 10 s per agent, spread evenly, for the measured period.
var sequence = 0UL;
var beat = Stopwatch.StartNew();
var acked = 0L;
while (beat.Elapsed < TimeSpan.FromSeconds(seconds))
{
    sequence++;
    var round = Stopwatch.StartNew();
    foreach (var chunk in connected.Chunk(Math.Max(1, agents / 10)))
    {
        await Task.WhenAll(chunk.Select(async agent =>
        {
            await agent.SendReportAsync(sequence);
            if ((await agent.ReadAsync(ConnectResponse.BodyOneofCase.Ack)).Ack.Sequence == sequence)
            {
                Interlocked.Increment(ref acked);
            }
        }));
        var pause = TimeSpan.FromSeconds(1) - round.Elapsed;
        if (pause > TimeSpan.Zero)
        {
            await Task.Delay(pause);
        }

        round.Restart();
    }
}

var (heapAfter, rssAfter) = Measure();
var perAgentHeap = (heapAfter - heapBefore) / (double)connected.Count / 1024;
var perAgentRss = (rssAfter - rssBefore) / (double)connected.Count / 1024;
var summary = $"""
    - Agents: {connected.Count} connected (one mTLS connection and one Connect stream each), {acked} heartbeats acked in {beat.Elapsed.TotalSeconds:F0} s at one heartbeat per agent per 10 s
    - Connect time: {connect.Elapsed.TotalSeconds:F1} s for all agents, 50 handshakes at a time
    - Managed heap after full GC: +{perAgentHeap:F1} KiB per agent (gateway, fake Asset and the agents' clients together)
    - Process RSS: +{perAgentRss:F1} KiB per agent (same process: server and client sides of every connection)
    """;
Console.WriteLine(summary);
if (resultsFile is not null)
{
    var text = File.Exists(resultsFile) ? await File.ReadAllTextAsync(resultsFile) : "# Benchmark results\n";
    var section = $"""
        ## agents

        Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC by `bench/agents/run.sh {agents} {seconds}` (Release). First cut: the gateway, a fake Asset at the wire
        (tests/AgentGateway.Tests) and the agents share one process, so the figures are an upper bound of the gateway's own share;
        the real Asset on PostgreSQL, separate agent processes, 127.0.0.x source spreading, 10,000 agents and the restart/reconnect
        measurement are still to do.

        {summary}

        """;
    var start = text.IndexOf("\n## agents", StringComparison.Ordinal);
    if (start >= 0)
    {
        var end = text.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        text = text[..(start + 1)] + section + (end >= 0 ? text[(end + 1)..] : string.Empty);
    }
    else
    {
        text = text.TrimEnd('\n') + "\n\n" + section;
    }

    await File.WriteAllTextAsync(resultsFile, text);
}

foreach (var agent in connected)
{
    await agent.DisposeAsync();
}

static (long Heap, long Rss) Measure()
{
    GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
    GC.WaitForPendingFinalizers();
    GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
    using var process = Process.GetCurrentProcess();
    process.Refresh();
    return (GC.GetTotalMemory(forceFullCollection: true), process.WorkingSet64);
}
