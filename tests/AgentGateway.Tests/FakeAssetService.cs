using Grpc.Core;
using SentinelSync.Contracts.Agent.V1;
using SentinelSync.Contracts.Asset.V1;

namespace SentinelSync.AgentGateway.Tests;

/// <summary>
/// A minimal AssetService on the operator listener: a real gRPC peer for the gateway, implementing just what the
/// gateway calls (trust, enrollment, reports with dedup by sequence, watches, effective configuration).
/// </summary>
internal sealed class FakeAssetService : AssetService.AssetServiceBase
{
    private readonly FakeAsset _asset;

    public FakeAssetService(FakeAsset asset) => _asset = asset;

    public override Task<GetAgentTrustResponse> GetAgentTrust(GetAgentTrustRequest request, ServerCallContext context)
    {
        RequireInternal(context);
        if (_asset.TrustUnavailable)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "not yet"));
        }

        var (certificate, key) = _asset.Ca.IssueServer(request.ServerNames);
        return Task.FromResult(new GetAgentTrustResponse { CaCertificatePem = _asset.Ca.CertificatePem, ServerCertificatePem = certificate, ServerPrivateKeyPem = key });
    }

    public override Task<EnrollResponse> Enroll(EnrollRequest request, ServerCallContext context)
    {
        if (context.RequestHeaders.Get("x-sentinel-internal") is not null)
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, "Enroll is anonymous; the gateway must not lend it its identity."));
        }

        if (request.Token != FakeAsset.EnrollmentSecret)
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, "bad token"));
        }

        var agentId = _asset.NewAgentId();
        _asset.Agent(agentId);
        return Task.FromResult(new EnrollResponse { AgentId = agentId, CertificatePem = _asset.Ca.IssueClient(request.CsrPem, agentId), CaCertificatePem = _asset.Ca.CertificatePem });
    }

    public override async Task<RecordAgentReportsResponse> RecordAgentReports(RecordAgentReportsRequest request, ServerCallContext context)
    {
        RequireInternal(context);
        if (_asset.HeartbeatsUnavailable && request.Reports.All(report => report.Sequence == 0 && report.BodyCase == ConnectRequest.BodyOneofCase.Heartbeat))
        {
            _asset.OnHeartbeatRefused();
            throw new RpcException(new Status(StatusCode.Unavailable, "asset is overloaded"));
        }

        if (request.Reports.Any(report => report.BodyCase == ConnectRequest.BodyOneofCase.Hello))
        {
            _asset.OnHelloArrived();
            if (_asset.HoldHellos is { } hold)
            {
                await hold.Task.WaitAsync(context.CancellationToken);
            }
        }

        var agent = _asset.Agent(request.AgentId);
        if (agent.Decommissioned)
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, $"agent {request.AgentId} is decommissioned"));
        }

        lock (agent)
        {
            agent.BatchSizes.Enqueue(request.Reports.Count);
            foreach (var report in request.Reports)
            {
                agent.Reports.Enqueue(report);
                if (report.Sequence == 0)
                {
                    continue;
                }

                if (agent.RecordCounts.AddOrUpdate(report.Sequence, 1, (_, count) => count + 1) == 1)
                {
                    agent.Committed = Math.Max(agent.Committed, report.Sequence);
                }

                if (report.BodyCase == ConnectRequest.BodyOneofCase.ConfigStatus)
                {
                    agent.ConfigStatuses.Enqueue(report.ConfigStatus);
                }
            }

            return new RecordAgentReportsResponse { CommittedSequence = agent.Committed };
        }
    }

    public override Task<GetEffectiveConfigResponse> GetEffectiveConfig(GetEffectiveConfigRequest request, ServerCallContext context)
    {
        RequireInternal(context);
        var agent = _asset.Agent(request.AgentId);
        lock (agent)
        {
            return Task.FromResult(new GetEffectiveConfigResponse { Version = agent.ConfigVersion, Document = agent.ConfigDocument });
        }
    }

    public override async Task WatchAgents(WatchAgentsRequest request, IServerStreamWriter<WatchAgentsResponse> responseStream, ServerCallContext context)
    {
        RequireInternal(context);
        var reader = _asset.WatchAgents();
        try
        {
            await foreach (var change in reader.ReadAllAsync(context.CancellationToken))
            {
                await responseStream.WriteAsync(change, context.CancellationToken);
            }
        }
        finally
        {
            _asset.Unsubscribe(reader);
        }
    }

    public override async Task WatchConfigChanges(WatchConfigChangesRequest request, IServerStreamWriter<WatchConfigChangesResponse> responseStream, ServerCallContext context)
    {
        RequireInternal(context);
        var reader = _asset.WatchConfigChanges();
        try
        {
            await foreach (var change in reader.ReadAllAsync(context.CancellationToken))
            {
                await responseStream.WriteAsync(change, context.CancellationToken);
            }
        }
        finally
        {
            _asset.Unsubscribe(reader);
        }
    }

    private void RequireInternal(ServerCallContext context)
    {
        var caller = context.RequestHeaders.Get("x-sentinel-internal")?.Value;
        _asset.InternalCallers.Add(caller);
        if (caller != "agent-gateway")
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, "internal method"));
        }
    }
}
