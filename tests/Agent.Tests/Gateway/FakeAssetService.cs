using Grpc.Core;
using SentinelSync.Contracts.Asset.V1;

namespace SentinelSync.Agent.Tests.Gateway;

/// <summary>The platform's Enroll: answers with <see cref="FakeGateway.Enroll"/> and records every request that reached it.</summary>
internal sealed class FakeAssetService(FakeGateway gateway) : AssetService.AssetServiceBase
{
    public override Task<EnrollResponse> Enroll(EnrollRequest request, ServerCallContext context)
    {
        lock (gateway.EnrollRequests)
        {
            gateway.EnrollRequests.Add(request);
        }

        return Task.FromResult(gateway.Enroll(request));
    }
}
