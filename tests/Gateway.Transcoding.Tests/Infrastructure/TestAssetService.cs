using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using SentinelSync.Contracts.Asset.V1;

namespace SentinelSync.Gateway.Transcoding.Tests;

/// <summary>
/// A real AssetService over gRPC: canned agents and tokens shaped by the request, failures on chosen ids,
/// and every request recorded so tests see what arrived after transcoding.
/// </summary>
public sealed class TestAssetService(BackendRecorder recorder) : AssetService.AssetServiceBase
{
    public static readonly Timestamp FirstSeen = Timestamp.FromDateTime(new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddTicks(1_230_000));

    public static Agent CannedAgent(string id) => new()
    {
        AgentId = id,
        Hostname = "host-" + id,
        Addresses = { "10.0.0.1/24" },
        Labels = { ["env"] = "prod" },
        State = AgentState.Online,
        FirstSeen = FirstSeen,
        AppliedConfigVersion = 9_007_199_254_740_993,
    };

    public override async Task<GetAgentResponse> GetAgent(GetAgentRequest request, ServerCallContext context)
    {
        recorder.Record(request, context);
        switch (request.AgentId)
        {
            case "missing":
                throw new RpcException(new Status(StatusCode.NotFound, $"Agent '{request.AgentId}' does not exist."), new Metadata { { "x-lookup", "registry" } });
            case "bad":
                throw new RpcException(new Status(StatusCode.InvalidArgument, "agent_id 'bad' is not a valid agent id."));
        }

        await context.WriteResponseHeadersAsync(new Metadata { { "x-backend", "asset" } });
        context.ResponseTrailers.Add("x-served-by", "test-asset");
        return new GetAgentResponse { Agent = CannedAgent(request.AgentId) };
    }

    public override Task<ListAgentsResponse> ListAgents(ListAgentsRequest request, ServerCallContext context)
    {
        recorder.Record(request, context);
        return Task.FromResult(new ListAgentsResponse { Agents = { CannedAgent("a1"), CannedAgent("a2") }, NextPageToken = "next" });
    }

    public override Task<CreateEnrollmentTokenResponse> CreateEnrollmentToken(CreateEnrollmentTokenRequest request, ServerCallContext context)
    {
        recorder.Record(request, context);
        var created = new DateTime(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc);
        return Task.FromResult(new CreateEnrollmentTokenResponse
        {
            Token = new EnrollmentToken
            {
                TokenId = "tok-1",
                Description = request.Description,
                CreatedAt = Timestamp.FromDateTime(created),
                ExpiresAt = Timestamp.FromDateTime(created + request.Ttl.ToTimeSpan()),
                MaxUses = request.MaxUses,
                Labels = { request.Labels },
            },
            Secret = "s3cret",
        });
    }

    public override Task<RevokeEnrollmentTokenResponse> RevokeEnrollmentToken(RevokeEnrollmentTokenRequest request, ServerCallContext context)
    {
        recorder.Record(request, context);
        if (request.TokenId == "missing")
        {
            throw new RpcException(new Status(StatusCode.NotFound, "Enrollment token 'missing' does not exist."));
        }

        return Task.FromResult(new RevokeEnrollmentTokenResponse { Token = new EnrollmentToken { TokenId = request.TokenId, Revoked = true } });
    }

    public override Task<UpdateAgentLabelsResponse> UpdateAgentLabels(UpdateAgentLabelsRequest request, ServerCallContext context)
    {
        recorder.Record(request, context);
        var agent = CannedAgent(request.AgentId);
        agent.Labels.Clear();
        agent.Labels.Add(request.Labels);
        return Task.FromResult(new UpdateAgentLabelsResponse { Agent = agent });
    }

    public override Task<DiffConfigVersionsResponse> DiffConfigVersions(DiffConfigVersionsRequest request, ServerCallContext context)
    {
        recorder.Record(request, context);
        return Task.FromResult(new DiffConfigVersionsResponse { UnifiedDiff = $"--- {request.FromVersion}\n+++ {request.ToVersion}\n" });
    }

    /// <summary>
    /// Streams three changes; label selector <c>fail-after-2</c> fails with UNAVAILABLE after two,
    /// <c>fail-first</c> fails before any, <c>forever</c> streams one and then waits to be cancelled.
    /// </summary>
    public override async Task WatchAgents(WatchAgentsRequest request, IServerStreamWriter<WatchAgentsResponse> responseStream, ServerCallContext context)
    {
        recorder.Record(request, context);
        if (request.LabelSelector == "fail-first")
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, "Not allowed to watch agents."));
        }

        var count = request.LabelSelector == "forever" ? 1 : request.LabelSelector == "fail-after-2" ? 2 : 3;
        for (var i = 0; i < count; i++)
        {
            await responseStream.WriteAsync(new WatchAgentsResponse
            {
                Agent = CannedAgent("a" + i),
                ChangedAt = Timestamp.FromDateTime(new DateTime(2026, 5, 1, 0, 0, i, DateTimeKind.Utc)),
            });
        }

        if (request.LabelSelector == "fail-after-2")
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "The registry went away."));
        }

        if (request.LabelSelector == "forever")
        {
            try
            {
                await Task.Delay(Timeout.Infinite, context.CancellationToken);
            }
            catch (OperationCanceledException)
            {
                recorder.StreamCancelled.TrySetResult();
                throw;
            }
        }
    }
}
