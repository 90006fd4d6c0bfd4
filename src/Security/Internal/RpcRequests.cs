using Microsoft.AspNetCore.Http;

namespace SentinelSync.Security.Internal;

/// <summary>Tells gRPC requests from REST ones.</summary>
internal static class RpcRequests
{
    public static bool IsGrpc(HttpRequest request) =>
        request.ContentType is { } type && type.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase);
}
