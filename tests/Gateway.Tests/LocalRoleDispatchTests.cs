using Grpc.Core;
using SentinelSync.Server.Tests;
using SentinelSync.Testing;

namespace SentinelSync.Gateway.Tests;

/// <summary>
/// In single-node mode the edge runs a call for one of its own roles on that role's endpoint, without YARP forwarding
/// it (Gateway:LocalRolesInProcess); turned off, the call is forwarded. Observed through YARP's own log line for every
/// forwarded request ("Proxying to …"): a call for a method the roles do not serve is forwarded either way, so its line
/// shows the log has caught up before the absence of the other is asserted.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class LocalRoleDispatchTests
{
    private readonly PostgresFixture _postgres;

    public LocalRoleDispatchTests(PostgresFixture postgres) => _postgres = postgres;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task CallForOwnRole_RunsOnTheRoleEndpoint_ForwardedOnlyWhenTurnedOff(bool localRolesInProcess)
    {
        using var cts = new CancellationTokenSource(EdgeCalls.Timeout);
        await using var server = await SentinelProcess.StartAsync([
            "--Database:ConnectionString", await _postgres.CreateDatabaseAsync(cts.Token),
            "--Security:InitialAdminPassword", EdgeCalls.AdminPassword,
            "--Gateway:LocalRolesInProcess", localRolesInProcess ? "true" : "false",
            "--Logging:LogLevel:Yarp.ReverseProxy.Forwarder.HttpForwarder", "Information",
        ]);
        using var http = EdgeCalls.H2cClient(server.OperatorAddress);

        var served = await EdgeProbe.GrpcAsync(http, "/grpc.health.v1.Health/Check", []);
        var unknown = await EdgeProbe.GrpcAsync(http, "/grpc.health.v1.Health/NoSuchMethod", []);

        Assert.Equal(StatusCode.OK, served.Status);
        Assert.Equal(StatusCode.Unimplemented, unknown.Status);
        while (!server.StandardOutput.Contains("/grpc.health.v1.Health/NoSuchMethod", StringComparison.Ordinal))
        {
            await Task.Delay(50, cts.Token);
        }

        Assert.Equal(!localRolesInProcess, server.StandardOutput.Contains("/grpc.health.v1.Health/Check", StringComparison.Ordinal));
    }
}
