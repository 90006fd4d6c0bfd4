using System.Diagnostics;
using System.Text.Json;

namespace SentinelSync.Bench.Rpc;

/// <summary>
/// The <c>stream-client</c> command: one warm-up call, then one measured StreamItems call on one
/// stream; prints a <see cref="StreamResult"/> as JSON on its last line.
/// </summary>
internal static class StreamClient
{
    public static async Task<int> RunAsync(BenchArgs args, CancellationToken cancellationToken)
    {
        var address = new Uri(args.Require("address"));
        var client = args.Require("client");
        var count = (uint)args.GetInt("count", 2_000_000);
        var warmup = (uint)args.GetInt("warmup", 200_000);
        var payloadSize = (uint)args.GetInt("payload-size", 12);
        using IStreamDrain drain = client switch
        {
            "grpc" => new GrpcChannelDrain(address),
            "raw" => new RawHttpDrain(address),
            _ => throw new ArgumentException($"--client must be grpc or raw, not '{client}'."),
        };

        await drain.DrainAsync(warmup, payloadSize, cancellationToken);

        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var stopwatch = Stopwatch.StartNew();
        var received = await drain.DrainAsync(count, payloadSize, cancellationToken);
        stopwatch.Stop();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        if (received != count)
        {
            throw new InvalidOperationException($"Asked for {count} items, received {received}.");
        }

        var result = new StreamResult(client, received, stopwatch.Elapsed.TotalSeconds, received / stopwatch.Elapsed.TotalSeconds, allocated, cpu.TotalMilliseconds);
        Console.WriteLine(JsonSerializer.Serialize(result, BenchJson.Default.StreamResult));
        return 0;
    }
}
