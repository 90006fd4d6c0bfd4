using System.Net;
using SentinelSync.Testing;

namespace SentinelSync.Server.Tests;

[Collection(PostgresCollection.Name)]
public sealed class ProbeTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private readonly PostgresFixture _postgres;

    public ProbeTests(PostgresFixture postgres) => _postgres = postgres;

    [Fact]
    public async Task Probes_WithReachableDatabase_LiveAndReady()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var database = await _postgres.CreateDatabaseAsync(cts.Token);
        await using var server = await SentinelProcess.StartAsync(["--Database:ConnectionString", database]);
        using var http = new HttpClient { BaseAddress = server.ManagementAddress, Timeout = Timeout };

        var live = await http.GetAsync(new Uri("/healthz", UriKind.Relative), cts.Token);

        // Readiness follows start-up work (schemas, the CA, the agent gateway's trust material fetched from Asset
        // with its signed service principal): poll, bounded by the test's timeout.
        var ready = await http.GetAsync(new Uri("/readyz", UriKind.Relative), cts.Token);
        while (ready.StatusCode != HttpStatusCode.OK && !cts.IsCancellationRequested)
        {
            await Task.Delay(200, cts.Token);
            ready = await http.GetAsync(new Uri("/readyz", UriKind.Relative), cts.Token);
        }

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.True(ready.StatusCode == HttpStatusCode.OK, server.StandardOutput);
    }

    [Fact]
    public async Task Readyz_DatabaseUnreachable_ServiceUnavailableButLive()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var server = await SentinelProcess.StartAsync(["--roles", "agent-gateway", "--Database:ConnectionString", "Host=127.0.0.1;Port=1;Timeout=2;Username=nobody"]);
        using var http = new HttpClient { BaseAddress = server.ManagementAddress, Timeout = Timeout };

        var live = await http.GetAsync(new Uri("/healthz", UriKind.Relative), cts.Token);
        var ready = await http.GetAsync(new Uri("/readyz", UriKind.Relative), cts.Token);

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
    }
}
