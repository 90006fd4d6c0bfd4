using System.Diagnostics;
using Microsoft.AspNetCore.Http.Features;

namespace SentinelSync.Bench.Rpc;

/// <summary>
/// Counts the grpc-status every response ended with (trailers, or headers for a trailers-only
/// response), so the benchmark can prove that every request it sent succeeded at the gRPC level,
/// not only at the HTTP level h2load sees. Also samples the process's CPU time and allocations.
/// </summary>
internal sealed class ServerTally
{
    private long _ok;
    private long _notOk;
    private long _missing;

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        await next(context);
        if (context.Request.Method != HttpMethods.Post)
        {
            return;
        }

        var status = context.Response.Headers["grpc-status"];
        if (status.Count == 0)
        {
            status = context.Features.Get<IHttpResponseTrailersFeature>()?.Trailers["grpc-status"] ?? default;
        }

        if (status.Count == 0)
        {
            Interlocked.Increment(ref _missing);
        }
        else if (status[0] == "0")
        {
            Interlocked.Increment(ref _ok);
        }
        else
        {
            Interlocked.Increment(ref _notOk);
        }
    }

    public ServerStats Snapshot() => new(
        Interlocked.Read(ref _ok),
        Interlocked.Read(ref _notOk),
        Interlocked.Read(ref _missing),
        GC.GetTotalAllocatedBytes(precise: true),
        Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds,
        GC.CollectionCount(0),
        GC.CollectionCount(1),
        GC.CollectionCount(2));
}
