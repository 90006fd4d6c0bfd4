using Grpc.AspNetCore.HealthChecks;
using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace SentinelSync.Rpc.Server.Tests;

/// <summary>grpc.health.v1: Check, Watch, and the statuses the application's lifetime sets.</summary>
public sealed class HealthTests
{
    private const string CheckPath = "/grpc.health.v1.Health/Check";
    private const string WatchPath = "/grpc.health.v1.Health/Watch";
    private const string TestService = "grpc.testing.TestService";

    [Theory]
    [InlineData(TestService)]
    [InlineData("grpc.health.v1.Health")]
    [InlineData("")]
    public async Task Check_MappedServiceOrServer_ServingOnceStarted(string service)
    {
        await using var host = await StartHostAsync();

        var result = await GrpcWire.CallAsync(host.Client, GrpcWire.Request(CheckPath, GrpcWire.Frame(new HealthCheckRequest { Service = service })));

        Assert.Equal(0, result.Status);
        Assert.Equal(ServingStatus.Serving, HealthCheckResponse.Parser.ParseFrom(Assert.Single(result.Messages).Payload).Status);
    }

    [Fact]
    public async Task Check_UnknownService_NotFound()
    {
        await using var host = await StartHostAsync();

        var result = await GrpcWire.CallAsync(host.Client, GrpcWire.Request(CheckPath, GrpcWire.Frame(new HealthCheckRequest { Service = "no.such.Service" })));

        Assert.Equal((int)StatusCode.NotFound, result.Status);
    }

    [Fact]
    public async Task Check_StatusSetByApplication_Reported()
    {
        await using var host = await StartHostAsync();
        host.App.Services.GetRequiredService<ServingStatusBoard>().SetStatus(TestService, ServingStatus.NotServing);

        var result = await GrpcWire.CallAsync(host.Client, GrpcWire.Request(CheckPath, GrpcWire.Frame(new HealthCheckRequest { Service = TestService })));

        Assert.Equal(ServingStatus.NotServing, HealthCheckResponse.Parser.ParseFrom(Assert.Single(result.Messages).Payload).Status);
    }

    [Fact]
    public async Task Watch_StatusChanges_CurrentStatusThenEveryChange()
    {
        await using var host = await StartHostAsync();
        var board = host.App.Services.GetRequiredService<ServingStatusBoard>();
        using var watch = await StreamingCall.StartAsync(host.Client, WatchPath, new HealthCheckRequest { Service = TestService }, completeRequest: true);

        Assert.Equal(ServingStatus.Serving, (await watch.ReadAsync(HealthCheckResponse.Parser)).Status);
        board.SetStatus(TestService, ServingStatus.NotServing);
        Assert.Equal(ServingStatus.NotServing, (await watch.ReadAsync(HealthCheckResponse.Parser)).Status);
        board.SetStatus(TestService, ServingStatus.NotServing);
        board.SetStatus(TestService, ServingStatus.Serving);
        Assert.Equal(ServingStatus.Serving, (await watch.ReadAsync(HealthCheckResponse.Parser)).Status);
    }

    [Fact]
    public async Task Watch_UnknownService_ServiceUnknownAndCallStaysOpenUntilItAppears()
    {
        await using var host = await StartHostAsync();
        var board = host.App.Services.GetRequiredService<ServingStatusBoard>();
        using var watch = await StreamingCall.StartAsync(host.Client, WatchPath, new HealthCheckRequest { Service = "later.Service" }, completeRequest: true);

        Assert.Equal(ServingStatus.ServiceUnknown, (await watch.ReadAsync(HealthCheckResponse.Parser)).Status);
        board.SetStatus("later.Service", ServingStatus.Serving);
        Assert.Equal(ServingStatus.Serving, (await watch.ReadAsync(HealthCheckResponse.Parser)).Status);
        board.ClearStatus("later.Service");
        Assert.Equal(ServingStatus.ServiceUnknown, (await watch.ReadAsync(HealthCheckResponse.Parser)).Status);
    }

    [Fact]
    public async Task StopAsync_Watching_NotServingThenUnavailableAndHostStopsPromptly()
    {
        var host = await StartHostAsync();
        try
        {
            using var watch = await StreamingCall.StartAsync(host.Client, WatchPath, new HealthCheckRequest { Service = TestService }, completeRequest: true);
            Assert.Equal(ServingStatus.Serving, (await watch.ReadAsync(HealthCheckResponse.Parser)).Status);

            var stop = host.App.StopAsync();

            Assert.Equal(ServingStatus.NotServing, (await watch.ReadAsync(HealthCheckResponse.Parser)).Status);
            Assert.Null(await watch.ReadNextAsync());
            Assert.Equal(((int)StatusCode.Unavailable).ToString(System.Globalization.CultureInfo.InvariantCulture), watch.Trailer("grpc-status"));

            // The watch ended, so nothing keeps the drain waiting for Kestrel's shutdown timeout (10 s here).
            await stop.WaitAsync(TimeSpan.FromSeconds(5));
            Assert.False(host.App.Services.GetRequiredService<ServingStatusBoard>().SetStatus(TestService, ServingStatus.Serving));
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task Check_Server_FollowsTheApplicationsHealthChecks()
    {
        var healthy = true;
        await using var host = await GrpcTestHost.StartAsync(
            services =>
            {
                services.AddGrpc();
                services.AddGrpcHealthChecks().AddCheck("toggle", () => healthy ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy());
                services.Configure<HealthCheckPublisherOptions>(o =>
                {
                    o.Delay = TimeSpan.Zero;
                    o.Period = TimeSpan.FromSeconds(1);
                });
            },
            app => app.MapGrpcHealthChecksService());

        healthy = false;
        await WaitForStatusAsync(host, string.Empty, ServingStatus.NotServing);
        healthy = true;
        await WaitForStatusAsync(host, string.Empty, ServingStatus.Serving);
    }

    [Fact]
    public async Task Start_StatusSetBeforeStart_KeptInsteadOfServing()
    {
        await using var host = await GrpcTestHost.StartAsync(
            services =>
            {
                services.AddGrpc();
                services.AddGrpcHealthChecks();
                services.AddHostedService<WarmingUp>();
            },
            app =>
            {
                app.MapGrpcService<ScriptedTestService>();
                app.MapGrpcHealthChecksService();
            });

        var result = await GrpcWire.CallAsync(host.Client, GrpcWire.Request(CheckPath, GrpcWire.Frame(new HealthCheckRequest { Service = TestService })));

        Assert.Equal(ServingStatus.NotServing, HealthCheckResponse.Parser.ParseFrom(Assert.Single(result.Messages).Payload).Status);
    }

    private static async Task WaitForStatusAsync(GrpcTestHost host, string service, ServingStatus expected)
    {
        // The publisher runs on its own period (1 s here): poll Check, bounded.
        using var timeout = new CancellationTokenSource(TestTimeouts.Call);
        while (true)
        {
            var result = await GrpcWire.CallAsync(host.Client, GrpcWire.Request(CheckPath, GrpcWire.Frame(new HealthCheckRequest { Service = service })));
            if (HealthCheckResponse.Parser.ParseFrom(Assert.Single(result.Messages).Payload).Status == expected)
            {
                return;
            }

            await Task.Delay(50, timeout.Token);
        }
    }

    private static Task<GrpcTestHost> StartHostAsync() => GrpcTestHost.StartAsync(
        services =>
        {
            services.AddGrpc();
            services.AddGrpcHealthChecks();
        },
        app =>
        {
            app.MapGrpcService<ScriptedTestService>();
            app.MapGrpcHealthChecksService();
        });

    /// <summary>An application service that reports the test service NOT_SERVING while it warms up.</summary>
    private sealed class WarmingUp(ServingStatusBoard board) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            board.SetStatus(TestService, ServingStatus.NotServing);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
