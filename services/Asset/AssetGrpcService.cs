using SentinelSync.Contracts.Asset.V1;
namespace SentinelSync.Asset;

/// <summary>
/// <c>sentinel.asset.v1.AssetService</c>. Thin: every RPC delegates to the class that owns its area.
/// </summary>
internal sealed class AssetGrpcService : AssetService.AssetServiceBase
{
}
