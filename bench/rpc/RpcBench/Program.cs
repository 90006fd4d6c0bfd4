using SentinelSync.Bench.Rpc;

// RpcBench run [--out RESULTS.md] [--rounds N] [--requests N] [--stream-count N]   the whole benchmark (bench/rpc/run.sh)
// RpcBench serve --mode grpc|raw [--sample-allocations]
//                                       one server on 127.0.0.1:0; prints "READY <address>", stops when stdin closes;
//                                       GET /stats, and with sampling GET|DELETE /allocations
// RpcBench stream-client --address URL --client grpc|raw --count N
try
{
    var options = BenchArgs.Parse(args.Skip(1));
    return args.FirstOrDefault() switch
    {
        "run" => await BenchRun.RunAsync(options, CancellationToken.None),
        "serve" => await BenchServer.RunAsync(options, CancellationToken.None),
        "stream-client" => await StreamClient.RunAsync(options, CancellationToken.None),
        _ => BenchArgs.Usage(),
    };
}
catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or TimeoutException or InvalidDataException)
{
    Console.Error.WriteLine($"rpcbench: {ex.Message}");
    return 2;
}
