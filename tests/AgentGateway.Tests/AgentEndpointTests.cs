using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SentinelSync.AgentGateway.Internal;
using SentinelSync.Contracts.Agent.V1;
using SentinelSync.Contracts.Asset.V1;

namespace SentinelSync.AgentGateway.Tests;

public sealed class AgentEndpointTests
{
    [Fact]
    public async Task Enroll_OnAgentEndpointWithoutClientCertificate_ForwardedToAsset()
    {
        await using var host = await GatewayHost.StartAsync();

        var identity = await TestAgent.EnrollAsync(host);

        Assert.StartsWith("agent-", identity.AgentId, StringComparison.Ordinal);
        Assert.Equal(identity.AgentId, AgentCertificate.AgentIdOf(identity.Certificate));
    }

    [Fact]
    public async Task GetTrustBundle_WithoutClientCertificate_AnswersThePlatformCa()
    {
        await using var host = await GatewayHost.StartAsync();
        using var channel = TestAgent.CreateChannel(host.AgentAddress, host.Asset.Ca.Certificate, clientCertificate: null);

        var bundle = await new AgentGatewayService.AgentGatewayServiceClient(channel).GetTrustBundleAsync(new GetTrustBundleRequest(), deadline: DateTime.UtcNow + GatewayHost.Timeout);

        Assert.Equal(host.Asset.Ca.Certificate.RawData, System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(bundle.CaCertificatePem).RawData);
    }

    [Fact]
    public async Task GetTrustBundle_OnOperatorEndpoint_Unimplemented()
    {
        await using var host = await GatewayHost.StartAsync();
        using var channel = GrpcChannel.ForAddress(host.OperatorAddress);

        var error = await Assert.ThrowsAsync<RpcException>(() => new AgentGatewayService.AgentGatewayServiceClient(channel)
            .GetTrustBundleAsync(new GetTrustBundleRequest(), deadline: DateTime.UtcNow + GatewayHost.Timeout).ResponseAsync);

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
    }

    [Fact]
    public async Task Enroll_BadToken_AssetStatusPassedThrough()
    {
        await using var host = await GatewayHost.StartAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => TestAgent.EnrollAsync(host, token: "wrong"));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Equal("bad token", error.Status.Detail);
    }

    [Fact]
    public async Task AgentEndpoint_OperatorMethod_Unimplemented()
    {
        await using var host = await GatewayHost.StartAsync();
        var identity = await TestAgent.EnrollAsync(host);
        using var channel = TestAgent.CreateChannel(host.AgentAddress, host.Asset.Ca.Certificate, identity.Certificate);
        var client = new AssetService.AssetServiceClient(channel);

        var error = await Assert.ThrowsAsync<RpcException>(() => client.GetAgentTrustAsync(new GetAgentTrustRequest(), deadline: DateTime.UtcNow + GatewayHost.Timeout).ResponseAsync);

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
    }

    [Fact]
    public async Task Connect_OnOperatorEndpoint_Unimplemented()
    {
        await using var host = await GatewayHost.StartAsync();
        using var channel = GrpcChannel.ForAddress(host.OperatorAddress);
        using var call = new AgentGatewayService.AgentGatewayServiceClient(channel).Connect(deadline: DateTime.UtcNow + GatewayHost.Timeout);

        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None));

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
    }

    [Fact]
    public async Task Connect_HandshakeBeforeTrustLoaded_WaitsAndSucceeds()
    {
        var asset = new FakeAsset { TrustUnavailable = true };
        await using var host = await GatewayHost.StartAsync(asset: asset, waitForTrust: false);
        var identity = new AgentIdentity("agent-early", asset.Ca.IssueClientCertificate("agent-early"));

        // A restarted server's agents reconnect before Asset answered: their handshakes wait instead of failing.
        var connecting = TestAgent.ConnectAsync(host, identity);
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.False(connecting.IsCompleted);
        asset.TrustUnavailable = false;
        var (agent, welcome) = await connecting.WaitAsync(GatewayHost.Timeout);
        await using var _ = agent;

        Assert.Equal("agent-early", welcome.AgentId);
    }

    [Fact]
    public async Task Readiness_AssetNotAnsweringTrust_NotReadyUntilItDoes()
    {
        var asset = new FakeAsset { TrustUnavailable = true };
        await using var host = await GatewayHost.StartAsync(asset: asset, waitForTrust: false);
        var health = host.Services.GetRequiredService<HealthCheckService>();

        var before = await health.CheckHealthAsync(check => check.Tags.Contains("ready")).WaitAsync(GatewayHost.Timeout);
        asset.TrustUnavailable = false;
        await host.WaitUntilAsync(() => host.Services.GetRequiredService<AgentTrust>().IsLoaded, "trust loaded after Asset answers");
        var after = await health.CheckHealthAsync(check => check.Tags.Contains("ready")).WaitAsync(GatewayHost.Timeout);

        Assert.Equal(HealthStatus.Unhealthy, before.Status);
        Assert.Equal(HealthStatus.Healthy, after.Status);
    }
}
