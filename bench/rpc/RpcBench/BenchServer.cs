using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace SentinelSync.Bench.Rpc;

/// <summary>
/// One benchmark server: our gRPC runtime (<c>--mode grpc</c>) or the raw Kestrel endpoints
/// (<c>--mode raw</c>). Both get the same host: Kestrel on 127.0.0.1, HTTP/2 only (h2c), no logging
/// providers, the same <see cref="ServerTally"/> middleware and <c>/stats</c> endpoint.
/// </summary>
internal static class BenchServer
{
    public static async Task<int> RunAsync(BenchArgs args, CancellationToken cancellationToken)
    {
        var mode = args.Require("mode");
        if (mode is not ("grpc" or "raw"))
        {
            throw new ArgumentException($"--mode must be grpc or raw, not '{mode}'.");
        }

        var builder = WebApplication.CreateSlimBuilder();
        // Logging off: with any provider enabled, hosting starts an Activity and a log scope per
        // request in both servers, which would hide part of what the runtime itself costs.
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, args.GetInt("port", 0), listen => listen.Protocols = HttpProtocols.Http2));
        if (mode == "grpc")
        {
            builder.Services.AddGrpc();
        }

        var app = builder.Build();
        var tally = new ServerTally();
        app.Use(tally.InvokeAsync);
        app.MapGet("/stats", () => Results.Json(tally.Snapshot(), BenchJson.Default.ServerStats));
        using var allocations = args.Get("sample-allocations", "false") == "true" ? new AllocationSampler() : null;
        if (allocations is not null)
        {
            app.MapGet("/allocations", () => allocations.Top(25));
            app.MapDelete("/allocations", allocations.Reset);
        }

        if (mode == "grpc")
        {
            app.MapGrpcService<BenchEndpoints>();
        }
        else
        {
            app.MapPost("/bench.v1.BenchService/Echo", RawEndpoints.EchoAsync);
            app.MapPost("/bench.v1.BenchService/StreamItems", RawEndpoints.StreamItemsAsync);
        }

        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        Console.WriteLine($"READY {address}");

        // The parent holds our stdin: when it closes it (or dies), the server stops.
        await Console.In.ReadToEndAsync(cancellationToken);
        await app.StopAsync(cancellationToken);
        return 0;
    }
}
