using System.Diagnostics;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using SentinelSync.Testing;

namespace SentinelSync.Server.Tests;

public sealed class GrpcEndpointTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task HealthCheck_OverallService_Serving()
    {
        await using var server = await SentinelProcess.StartAsync(["--roles", "all"]);
        using var channel = GrpcChannel.ForAddress(server.OperatorAddress);
        var client = new Health.HealthClient(channel);

        var response = await client.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.Add(Timeout));

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
    }

    [Fact]
    public async Task HealthCheck_UnknownService_NotFound()
    {
        await using var server = await SentinelProcess.StartAsync([]);
        using var channel = GrpcChannel.ForAddress(server.OperatorAddress);
        var client = new Health.HealthClient(channel);

        var error = await Assert.ThrowsAsync<RpcException>(() => client.CheckAsync(new HealthCheckRequest { Service = "no.such.Service" }, deadline: DateTime.UtcNow.Add(Timeout)).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task BufCurl_OverH2c_ListsServicesByReflectionAndChecksHealth()
    {
        await using var server = await SentinelProcess.StartAsync([]);

        var services = await RunBufCurlAsync("--list-services", server.OperatorAddress.ToString());
        var health = await RunBufCurlAsync("-d", "{}", new Uri(server.OperatorAddress, "/grpc.health.v1.Health/Check").ToString());

        Assert.Contains("grpc.health.v1.Health", services, StringComparison.Ordinal);
        Assert.Contains("grpc.reflection.v1.ServerReflection", services, StringComparison.Ordinal);
        Assert.Contains("\"status\": \"SERVING\"", health, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sigterm_WithCallInFlight_StopsServingAndExitsZero()
    {
        var server = await SentinelProcess.StartAsync(["--Shutdown:DrainTimeout", "00:00:03"]);
        await using var _ = server;
        using var channel = GrpcChannel.ForAddress(server.OperatorAddress);
        var client = new Health.HealthClient(channel);
        using var cts = new CancellationTokenSource(Timeout);
        using var watch = client.Watch(new HealthCheckRequest(), cancellationToken: cts.Token);
        Assert.True(await watch.ResponseStream.MoveNext(cts.Token));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, watch.ResponseStream.Current.Status);

        server.Terminate();

        // The watcher hears that the server stops serving while its call drains.
        Assert.True(await watch.ResponseStream.MoveNext(cts.Token));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, watch.ResponseStream.Current.Status);
        Assert.Equal(0, await server.WaitForExitAsync(Timeout));
        Assert.Contains("draining in-flight calls", server.StandardOutput, StringComparison.Ordinal);
    }

    private static async Task<string> RunBufCurlAsync(params string[] arguments)
    {
        var buf = RepositoryRoot.Combine("node_modules/.bin/buf");
        Assert.True(File.Exists(buf), $"{buf} is missing: run `npm ci` at the repository root (scripts/test.sh does).");
        var start = new ProcessStartInfo(buf)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["curl", "--protocol", "grpc", "--http2-prior-knowledge", .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(Timeout);
        Assert.True(process.ExitCode == 0, $"buf curl {string.Join(' ', arguments)} exited {process.ExitCode}: {await stderr}");
        return await stdout;
    }
}
